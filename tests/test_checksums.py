"""kipoi_prism.io.checksums: a file's SHA-256, read in blocks."""

import hashlib

from kipoi_prism.io.checksums import file_sha256
from kipoi_prism.model.weights import file_digest


def test_file_sha256_over_several_blocks(tmp_path):
    path = tmp_path / "blob"
    data = bytes(range(256)) * 9000  # 2.2 MiB: three blocks
    path.write_bytes(data)
    assert file_sha256(path) == hashlib.sha256(data).hexdigest()
    assert file_digest(path) == hashlib.sha256(data).hexdigest()[:12]
    assert file_digest(path, length=64) == file_sha256(path)
