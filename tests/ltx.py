"""Read the pages of Litestream's LTX files, so tests can search what a replica holds.

LTX v0.5 (github.com/superfly/ltx, encoder.go EncodePage and decoder.go DecodePage):
a 100-byte header starting "LTX1" with the page size at offset 8; then page frames,
each a 6-byte header (page number u32, flags u16, big-endian), a 4-byte size when
flag 1 is set, and the page as an LZ4 block of that size; six zero bytes end them.
The pages are compressed, so a plain search of the files can miss what they hold.
"""

import struct

HEADER_SIZE, PAGE_HEADER = 100, struct.Struct(">IH")
FLAG_SIZE = 1


def pages(data):
    """Yield (page number, page bytes) of one LTX file."""
    assert data[:4] == b"LTX1", "not an LTX file"
    page_size = struct.unpack_from(">I", data, 8)[0]
    at = HEADER_SIZE
    while True:
        pgno, flags = PAGE_HEADER.unpack_from(data, at)
        at += PAGE_HEADER.size
        if pgno == 0:
            return
        assert flags == FLAG_SIZE, f"page {pgno}: unknown flags {flags:#x}"
        size = struct.unpack_from(">I", data, at)[0]
        page = lz4_block(data[at + 4:at + 4 + size])
        assert len(page) == page_size, f"page {pgno}: {len(page)} bytes"
        yield pgno, page
        at += 4 + size


def lz4_block(src):
    """Decompress one LZ4 block (the LZ4 block format: sequences of a token,
    literals, a 2-byte offset and a match length)."""
    out, i = bytearray(), 0
    while True:
        token = src[i]
        i += 1
        count, i = _length(src, i, token >> 4)
        out += src[i:i + count]
        i += count
        if i >= len(src):
            return bytes(out)
        offset = src[i] | src[i + 1] << 8
        count, i = _length(src, i + 2, token & 15)
        start = len(out) - offset
        for k in range(count + 4):  # a match may overlap what it copies
            out.append(out[start + k])


def _length(src, i, n):
    if n == 15:
        while True:
            n += src[i]
            i += 1
            if src[i - 1] != 255:
                break
    return n, i
