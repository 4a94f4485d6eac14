"""Selene: the pair sampler, the model module a Selene config names, selene-sdk fixes."""
