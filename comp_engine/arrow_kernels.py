"""The Arrow compute kernels the engine reads deals with, called by name.

`import pyarrow.compute` builds a Python wrapper, signature and docstring for each of
Arrow's ~300 kernels: 70 ms of every payout run's start on the 2-core machine, for the
dozen kernels used here. The same kernels are reached through `call_function` and the
option classes of `pyarrow._compute`, the extension module pyarrow.compute itself wraps
(and re-exports under the same names). Array methods that go through pyarrow.compute
(`filter`, `is_valid`, `dictionary_encode`, `cast`) are not used by the payout path either;
`tests/app/test_cli_imports.py` checks that a run never imports pyarrow.compute.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa

try:
    from pyarrow._compute import (CastOptions, MatchSubstringOptions, ReplaceSubstringOptions, SplitPatternOptions,
                                  TrimOptions, call_function)
except ImportError:  # a pyarrow that moved them: the public module has them all
    from pyarrow.compute import (CastOptions, MatchSubstringOptions, ReplaceSubstringOptions,  # type: ignore[no-redef]
                                 SplitPatternOptions, TrimOptions, call_function)


def utf8_trim(texts: pa.Array, characters: str) -> pa.Array:
    return call_function("utf8_trim", [texts], TrimOptions(characters))


def find_substring(texts: pa.Array, pattern: str) -> pa.Array:
    """The byte offset of the first `pattern` in each text, -1 where there is none."""
    return call_function("find_substring", [texts], MatchSubstringOptions(pattern))


def match_substring_regex(texts: pa.Array, pattern: str) -> pa.Array:
    return call_function("match_substring_regex", [texts], MatchSubstringOptions(pattern))


def replace_substring(texts: pa.Array, pattern: str, replacement: str, max_replacements: int | None = None) -> pa.Array:
    return call_function("replace_substring", [texts], ReplaceSubstringOptions(pattern, replacement, max_replacements=max_replacements))


def ascii_is_decimal(texts: pa.Array) -> pa.Array:
    return call_function("ascii_is_decimal", [texts])


def to_int64(texts: pa.Array) -> pa.Array:
    """Texts of digits as int64 (an error for any other text)."""
    return call_function("cast", [texts], CastOptions.safe(pa.int64()))


def dictionary_encode(values: pa.Array) -> pa.Array:
    return call_function("dictionary_encode", [values])


def kept(values: pa.Array, mask: np.ndarray) -> pa.Array:
    """The values where the numpy boolean `mask` is true (Arrow's `filter`)."""
    bits = pa.Array.from_buffers(pa.bool_(), len(mask), [None, pa.py_buffer(np.packbits(mask, bitorder="little"))])
    return call_function("filter", [values, bits])


def taken(values: pa.Array, positions: np.ndarray) -> pa.Array:
    """The values at `positions` (numpy integers), in that order (Arrow's `take`)."""
    positions = np.ascontiguousarray(positions, dtype=np.int64)
    indices = pa.Array.from_buffers(pa.int64(), len(positions), [None, pa.py_buffer(positions)])
    return call_function("take", [values, indices])


def strictly_increasing(texts: pa.Array) -> bool:
    """Whether each text sorts after the one before it (byte order)."""
    if len(texts) < 2:
        return True
    return bool(call_function("all", [call_function("less", [texts[:-1], texts[1:]])]).as_py())


def split_pattern(texts: pa.Array, pattern: str, max_splits: int | None = None) -> pa.Array:
    return call_function("split_pattern", [texts], SplitPatternOptions(pattern, max_splits=max_splits))


def list_parent_indices(lists: pa.Array) -> pa.Array:
    return call_function("list_parent_indices", [lists])


def list_flatten(lists: pa.Array) -> pa.Array:
    return call_function("list_flatten", [lists])


def list_value_length(lists: pa.Array) -> pa.Array:
    return call_function("list_value_length", [lists])
