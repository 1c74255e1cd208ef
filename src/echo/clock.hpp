// Clock readings in nanoseconds (internal to the echo library): monotonic for durations and
// deadlines, realtime for the timestamps in records.
#pragma once

#include <time.h>

#include <cstdint>

namespace pktscope::echo_detail {

inline std::int64_t clock_ns(clockid_t clock) noexcept {
    timespec ts{};
    ::clock_gettime(clock, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
inline std::int64_t monotonic_ns() noexcept {
    return clock_ns(CLOCK_MONOTONIC);
}
inline std::int64_t realtime_ns() noexcept {
    return clock_ns(CLOCK_REALTIME);
}

}  // namespace pktscope::echo_detail
