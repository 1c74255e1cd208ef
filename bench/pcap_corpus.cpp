#include "pcap_corpus.hpp"

#include "pktscope/capture.hpp"

namespace pktscope::bench {

packet_corpus load_corpus(const std::string& path, std::uint64_t max_packets) {
    packet_corpus c;
    c.path = path;
    pcap_source source = pcap_source::open_file(path);
    // Offsets first: the byte buffer grows while reading, so spans are made at the end.
    std::vector<std::size_t> offsets;
    frame f;
    while ((max_packets == 0 || c.frames.size() < max_packets) && source.next(f)) {
        offsets.push_back(c.bytes.size());
        c.bytes.insert(c.bytes.end(), f.data.begin(), f.data.end());
        c.frames.push_back(f);
    }
    for (std::size_t i = 0; i < c.frames.size(); ++i)
        c.frames[i].data = byte_span(c.bytes.data() + offsets[i], c.frames[i].caplen);
    return c;
}

}  // namespace pktscope::bench
