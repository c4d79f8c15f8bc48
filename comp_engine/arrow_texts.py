"""Rules on whole Arrow text columns at once: lengths, trimmed ids, amounts in cents.

Each function reads a column with Arrow's compute kernels and numpy, never a Python
loop per value, and gives exactly what the one-value rules give (`trim_id`,
`money.to_cents`); the property tests hold them to it.
"""
from __future__ import annotations

import os

import numpy as np
import pyarrow as pa

from comp_engine import arrow_kernels as kernels
from comp_engine.csv_input import ID_SPACE
from comp_engine.money import MAX_INTEGER_DIGITS


def use_jemalloc() -> None:
    """Allocate Arrow memory from jemalloc where the pyarrow wheel has it (Linux wheels do),
    unless ARROW_DEFAULT_MEMORY_POOL names a pool. Measured on a 1M-row deals file on 2
    cores: reading it takes 0.34-0.41 s with jemalloc, 0.63-0.73 s with the default mimalloc
    (which hands pages back and faults them in again), and checking it 0.39-0.51 s against
    0.54-0.88 s. Buffers already allocated are freed to the pool they came from. Called by
    `run_payout` when a run starts (not on import: importing a module changes nothing global)."""
    if os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        return
    try:
        pa.set_memory_pool(pa.jemalloc_memory_pool())
    except NotImplementedError:  # a build without jemalloc keeps its default pool
        pass


_CENTS_FACTOR = np.array([100, 10, 1], dtype=np.int64)
_SPACE_FIRST_BYTE = np.zeros(256, dtype=bool)
"""Which bytes can begin one of the spaces `trim_id` takes off (a lookup table by byte value)."""
_SPACE_FIRST_BYTE[[character.encode()[0] for character in ID_SPACE]] = True
_SPACE_LAST_BYTE = np.zeros(256, dtype=bool)
"""Which bytes can end one of those spaces."""
_SPACE_LAST_BYTE[[character.encode()[-1] for character in ID_SPACE]] = True


def numbers(array: pa.Array) -> np.ndarray:
    """An Arrow array of integers or booleans without nulls, as numpy, read from its buffer.

    (Arrow's `to_numpy`, `pa.array` and `pa.scalar` load pandas when it is installed:
    half a second of start-up that a payout run does not need.)"""
    if pa.types.is_boolean(array.type):
        bits = np.frombuffer(array.buffers()[1], dtype=np.uint8)
        return np.unpackbits(bits, bitorder="little")[array.offset:array.offset + len(array)].astype(bool)
    dtype = np.dtype(f"{'int' if pa.types.is_signed_integer(array.type) else 'uint'}{array.type.bit_width}")
    return np.frombuffer(array.buffers()[1], dtype=dtype)[array.offset:array.offset + len(array)]


def distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values of an array, sorted: `np.unique(values)`, which in numpy 2.4 imports
    numpy.ma the first time it is called (40 ms of a payout run)."""
    ordered = np.sort(values)
    return ordered[np.concatenate(([True], ordered[1:] != ordered[:-1]))] if len(ordered) else ordered


def lengths(texts: pa.Array) -> np.ndarray:
    """The length in bytes of each text of an Arrow string array, read from its offsets."""
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)[texts.offset:texts.offset + len(texts) + 1]
    return np.diff(offsets)


def trimmed_codes(column: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """A column of ids (plain texts or a dictionary) as (code per row, distinct trimmed ids):
    'ae02 ' and 'ae02' get one code. Codes number the ids in the order they first appear."""
    if not pa.types.is_dictionary(column.type):
        encoded = kernels.dictionary_encode(trimmed_texts(column))
        return numbers(encoded.indices).astype(np.int32), encoded.dictionary
    codes = numbers(column.indices)
    trimmed = trimmed_texts(column.dictionary)
    if trimmed is column.dictionary:  # nothing to trim: the texts are distinct already
        return codes.astype(np.int32), trimmed
    encoded = kernels.dictionary_encode(trimmed)
    remap = numbers(encoded.indices)
    return (remap[codes] if len(remap) else codes).astype(np.int32), encoded.dictionary


def trimmed_texts(column: pa.Array) -> pa.Array:
    """A plain text column of ids, each trimmed as `trim_id` trims (the column itself when
    no id starts or ends with a byte that can begin or end one of those spaces)."""
    offsets = np.frombuffer(column.buffers()[1], dtype=np.int32)[column.offset:column.offset + len(column) + 1]
    data = np.frombuffer(column.buffers()[2], dtype=np.uint8) if column.buffers()[2] is not None else np.zeros(0, np.uint8)
    filled = offsets[1:] > offsets[:-1]
    if not len(data) or not filled.any():
        return column
    first, last = data[offsets[:-1][filled]], data[offsets[1:][filled] - 1]
    if not (_SPACE_FIRST_BYTE[first].any() or _SPACE_LAST_BYTE[last].any()):
        return column
    return kernels.utf8_trim(column, ID_SPACE)


def cents_of_texts(texts: pa.Array, block: int = 1 << 20) -> tuple[np.ndarray, np.ndarray]:
    """Amount texts to integer cents (see `_cents_of_block`), a block of rows at a time so
    that ten million amounts need no more scratch memory than one million."""
    if len(texts) <= block:
        return _cents_of_block(texts)
    cents = np.empty(len(texts), dtype=np.int64)
    ok = np.empty(len(texts), dtype=bool)
    for start in range(0, len(texts), block):
        cents[start:start + block], ok[start:start + block] = _cents_of_block(texts.slice(start, block))
    return cents, ok


def _cents_of_block(texts: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Amount texts to integer cents, as `money.to_cents` reads each: `(cents, ok)`.

    Accepted: 1 to 12 ASCII digits, then optionally a dot and one or two digits. The
    digits without the dot are read as one integer and scaled by 100, 10 or 1 for
    0, 1 or 2 decimals, so no value ever passes through a float.
    """
    size = lengths(texts)
    dot = numbers(kernels.find_substring(texts, "."))
    digits = kernels.replace_substring(texts, ".", "", max_replacements=1)
    all_digits = numbers(kernels.ascii_is_decimal(digits))
    whole = np.where(dot < 0, size, dot)
    decimals = np.where(dot < 0, 0, size - dot - 1)
    ok = (all_digits & (whole >= 1) & (whole <= MAX_INTEGER_DIGITS)
          & ((dot < 0) | ((decimals >= 1) & (decimals <= 2))))
    value = np.zeros(len(texts), dtype=np.int64)
    value[ok] = numbers(kernels.to_int64(kernels.kept(digits, ok)))
    return np.where(ok, value * _CENTS_FACTOR[np.clip(decimals, 0, 2)], 0), ok


def same_texts(count: int, text: str = "") -> pa.Array:
    """A dictionary column holding one text on every row (a column the file does not have)."""
    encoded = text.encode()
    offsets = np.array([0, len(encoded)], dtype=np.int32)
    dictionary = pa.Array.from_buffers(pa.string(), 1, [None, pa.py_buffer(offsets), pa.py_buffer(encoded)])
    indices = pa.Array.from_buffers(pa.int32(), count, [None, pa.py_buffer(np.zeros(count, dtype=np.int32))])
    return pa.DictionaryArray.from_arrays(indices, dictionary)


def cents_from_texts(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of amount texts to integer cents without a Python loop per value.

    Returns `(cents, ok)`: int64 cents (0 where not ok) and a boolean mask of the
    values that `money.to_cents` accepts. The column is read by Arrow's kernels
    (`cents_of_texts`), so no value ever passes through a float.
    """
    return cents_of_texts(pa.array(list(texts), type=pa.string()))
