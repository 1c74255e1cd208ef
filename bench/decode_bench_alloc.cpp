// The replacement operator new/delete. The counter has to be a file-level variable: operator
// new has no other place to keep state. It is a plain integer, not an atomic, on purpose:
// the benchmarks run on one thread, and a locked increment on every libtins allocation would
// slow the very loop we compare against.
#include "decode_bench_alloc.hpp"

#include <cstdlib>
#include <new>

namespace {
std::uint64_t allocations = 0;

void* counted_allocate(std::size_t size) {
    ++allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
}  // namespace

std::uint64_t pktscope::bench::allocation_count() noexcept {
    return allocations;
}

void* operator new(std::size_t size) {
    return counted_allocate(size);
}
void* operator new[](std::size_t size) {
    return counted_allocate(size);
}
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
    ++allocations;
    return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
    ++allocations;
    return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}
