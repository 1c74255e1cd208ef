// A capture loaded into memory, so the decoder benchmarks measure decoding, not reading.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "pktscope/frame.hpp"

namespace pktscope::bench {

/// Every frame of a capture: the bytes back to back in one buffer, the frames pointing into it.
struct packet_corpus {
    std::string path;
    std::vector<std::byte> bytes;
    std::vector<frame> frames;
    /// Mean captured length in bytes.
    double mean_frame_bytes() const noexcept {
        return frames.empty()
                   ? 0.0
                   : static_cast<double>(bytes.size()) / static_cast<double>(frames.size());
    }
};

/// Reads up to `max_packets` frames (0 = all) of the pcap/pcapng file at `path` with
/// pcap_source. Throws capture_error.
packet_corpus load_corpus(const std::string& path, std::uint64_t max_packets = 0);

}  // namespace pktscope::bench
