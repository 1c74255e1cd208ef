// Counting heap allocations: this program replaces the global operator new so benchmarks can
// report allocations per packet for our decoder and for libtins.
#pragma once

#include <cstdint>

namespace pktscope::bench {

/// Calls of any replaceable operator new (plain, array, nothrow) since the program started.
std::uint64_t allocation_count() noexcept;

}  // namespace pktscope::bench
