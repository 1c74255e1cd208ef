// Progress on long file reads, shown on stderr only when stderr is a terminal and stdout is
// not (so it never mixes into piped output or into packets printed on the same terminal).
#pragma once

#include <chrono>
#include <cstdint>
#include <type_traits>

namespace pktscope::tools {

class progress_meter {
public:
    /// `total_bytes` is the file size (0 disables the meter).
    explicit progress_meter(std::uint64_t total_bytes);
    ~progress_meter();
    /// Call per packet; redraws at most 4 times a second.
    void update(std::uint64_t bytes_done, std::uint64_t packets) {
        if (enabled_ && (++calls_ & 0x3ffU) == 0) redraw(bytes_done, packets);
    }
    /// The same with the position asked for only when a redraw is due: pcap_source's
    /// file_position() is an lseek system call, too dear to make for every packet.
    template <class Position>
        requires std::is_invocable_r_v<std::uint64_t, Position>
    void update(Position&& bytes_done, std::uint64_t packets) {
        if (enabled_ && (++calls_ & 0x3ffU) == 0) redraw(bytes_done(), packets);
    }

private:
    void redraw(std::uint64_t bytes_done, std::uint64_t packets);
    bool enabled_ = false;
    bool drawn_ = false;
    std::uint64_t total_ = 0;
    std::uint64_t calls_ = 0;
    std::chrono::steady_clock::time_point last_;
};

}  // namespace pktscope::tools
