"""A column of texts kept in Arrow memory, not as a Python object per value.

A million deal ids as Python strings cost about 60 MB and a second of allocation; as
an Arrow string array they are one buffer of bytes and one of offsets. The engine
reads a text only when it prints it (a statement's deals, a message), so a
`TextColumn` gives a `str` for one position and another `TextColumn` for many.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from comp_engine.arrow_kernels import taken


class TextColumn:
    """Texts by position: `column[7]` is a str, `column[positions]` a TextColumn."""

    __slots__ = ("_array",)

    def __init__(self, array: pa.Array | pa.ChunkedArray) -> None:
        if isinstance(array, pa.ChunkedArray):
            array = array.combine_chunks() if array.num_chunks != 1 else array.chunk(0)
        self._array = array

    @classmethod
    def of(cls, texts: list[str]) -> TextColumn:
        return cls(pa.array(texts, type=pa.string()))

    @property
    def arrow(self) -> pa.Array:
        return self._array

    def __len__(self) -> int:
        return len(self._array)

    def __getitem__(self, position):  # noqa: ANN001, ANN204
        if isinstance(position, (int, np.integer)):
            return self._array[int(position)].as_py()
        if isinstance(position, slice):
            return TextColumn(self._array[position])
        indices = np.asarray(position)
        if indices.dtype == bool:
            indices = np.flatnonzero(indices)
        return TextColumn(taken(self._array, indices))

    def __iter__(self) -> Iterator[str]:
        return iter(self.tolist())

    def tolist(self) -> list[str]:
        return self._array.to_pylist()

    def __repr__(self) -> str:
        return f"TextColumn({len(self)} texts)"
