"""Rules on whole Arrow text columns at once: lengths, trimmed ids, amounts in cents.

Each function reads a column with Arrow's compute kernels and numpy, never a Python
loop per value, and gives exactly what the one-value rules give (`trim_id`,
`money.to_cents`); the property tests hold them to it.
"""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from comp_engine.csv_input import ID_SPACE

MAX_INTEGER_DIGITS = 12
"""Digits before the decimal point of an amount, as `money.MAX_INTEGER_DIGITS` (which is this)."""
_CENTS_FACTOR = np.array([100, 10, 1], dtype=np.int64)


def lengths(texts: pa.Array) -> np.ndarray:
    """The length in bytes of each text of an Arrow string array, read from its offsets."""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)[texts.offset:texts.offset + len(texts) + 1]
    return np.diff(offsets)


def trimmed_codes(column: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """A dictionary column of ids as (code per row, distinct trimmed ids): 'ae02 ' and 'ae02' get one code."""
    trimmed = pc.utf8_trim(column.dictionary, characters=ID_SPACE)
    encoded = pc.dictionary_encode(trimmed)
    remap = encoded.indices.to_numpy()
    codes = column.indices.to_numpy()
    return (remap[codes] if len(remap) else codes).astype(np.int32), encoded.dictionary


def trimmed_texts(column: pa.Array) -> pa.Array:
    """A plain text column of ids, each trimmed as `trim_id` trims."""
    return pc.utf8_trim(column, characters=ID_SPACE)


def cents_of_texts(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Amount texts to integer cents, as `money.to_cents` reads each: `(cents, ok)`.

    Accepted: 1 to 12 ASCII digits, then optionally a dot and one or two digits. The
    digits without the dot are read as one integer and scaled by 100, 10 or 1 for
    0, 1 or 2 decimals, so no value ever passes through a float.
    """
    size = lengths(texts)
    dot = pc.find_substring(texts, ".").to_numpy(zero_copy_only=False)
    digits = pc.replace_substring(texts, ".", "", max_replacements=1)
    all_digits = pc.ascii_is_decimal(digits).to_numpy(zero_copy_only=False)
    whole = np.where(dot < 0, size, dot)
    decimals = np.where(dot < 0, 0, size - dot - 1)
    ok = (all_digits & (whole >= 1) & (whole <= MAX_INTEGER_DIGITS)
          & ((dot < 0) | ((decimals >= 1) & (decimals <= 2))))
    value = pc.cast(pc.if_else(pa.array(ok), digits, "0"), pa.int64()).to_numpy()
    return np.where(ok, value * _CENTS_FACTOR[np.clip(decimals, 0, 2)], 0), ok
