#!/usr/bin/env python3
"""Writes every `constexpr packet_case NAME{linktype::X, "hex" ...}` of the unit tests into
pcap files, so the byte arrays can be checked with an independent decoder before a test relies
on them:

    python3 tests/unit/cases_to_pcap.py OUTDIR [tests/unit/tcp_test.cpp ...]
    tshark -n -r OUTDIR/tcp_test.pcap -V          # frame N = the N-th case listed in index.tsv

One pcap per test file (cases with a different link type go to NAME.<linktype>.pcap), and
OUTDIR/index.tsv maps pcap + frame number to the case name. Standard library only.
"""
import pathlib
import re
import struct
import sys

LINKTYPES = {
    "null": 0, "en10mb": 1, "raw_dlt12": 12, "raw_dlt14": 14, "raw": 101, "loop": 108,
    "linux_sll": 113, "ipv4": 228, "ipv6": 229, "linux_sll2": 276,
}
CASE = re.compile(r"constexpr\s+packet_case\s+(\w+)\s*\{\s*linktype::(\w+)\s*,(.*?)\};", re.S)
LITERAL = re.compile(r'"([^"]*)"')


def cases_in(path):
    text = "\n".join(line.split("//")[0] for line in path.read_text().splitlines())
    for name, linktype, body in CASE.findall(text):
        hex_digits = "".join("".join(LITERAL.findall(body)).split())
        yield name, linktype, bytes.fromhex(hex_digits)


def write_pcap(path, linktype, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, linktype))
        for i, data in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000 + i, 0, len(data), len(data)))
            f.write(data)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = pathlib.Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    sources = [pathlib.Path(p) for p in sys.argv[2:]] or sorted(
        pathlib.Path(__file__).parent.glob("*_test.cpp"))
    index = ["pcap\tframe\tcase"]
    for source in sources:
        by_linktype = {}
        for name, linktype, data in cases_in(source):
            by_linktype.setdefault(linktype, []).append((name, data))
        for linktype, cases in by_linktype.items():
            suffix = "" if len(by_linktype) == 1 else "." + linktype
            pcap = f"{source.stem}{suffix}.pcap"
            write_pcap(out / pcap, LINKTYPES[linktype], [data for _, data in cases])
            index += [f"{pcap}\t{i}\t{name}" for i, (name, _) in enumerate(cases, start=1)]
    (out / "index.tsv").write_text("\n".join(index) + "\n")
    print(f"{len(index) - 1} cases written to {out}")


if __name__ == "__main__":
    main()
