// The decode path allocates nothing (issue 3, DESIGN.md "Decoding untrusted bytes"): this
// test replaces the global operator new/delete with counting versions and decodes a mix of
// packets with the counter armed: every frame of every capture in
// ../shared/corpus/tcpdump/pcaps (830 real and adversarial files, most link types), plus a
// DNS response with 300 records, and also walks and formats every DNS record it finds with
// the allocation-free walker.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <new>
#include <string>
#include <vector>

#include "pktscope/capture.hpp"
#include "pktscope/decode.hpp"
#include "unit_support.hpp"

namespace {
// Armed only around the code under test; gtest and the loading code allocate freely.
std::atomic<bool> counting{false};
std::atomic<std::size_t> allocations{0};

void* counted_alloc(std::size_t n) {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t n) {
    return counted_alloc(n);
}
void* operator new[](std::size_t n) {
    return counted_alloc(n);
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    try {
        return counted_alloc(n);
    } catch (...) {
        return nullptr;
    }
}
void* operator new[](std::size_t n, const std::nothrow_t& t) noexcept {
    return operator new(n, t);
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

namespace pktscope::test {
namespace {

constexpr packet_case dns_response_with_300_a_records{
    linktype::en10mb,
    "02 00 00 00 00 02 02 00 00 00 00 01 08 00"                    // Ethernet II
    "45 00 12 fa 1c 46 40 00 40 11 1f 43 c6 33 64 35 c0 00 02 01"  // IPv4
    "00 35 a0 28 12 e6 f7 d7"                                      // UDP 53 > 41000
    "03 00 81 80 00 01 01 2c 00 00 00 00"                          // DNS: 1 question, 300 answers
    "04 6d 61 6e 79 07 65 78 61 6d 70 6c 65 00 00 01 00 01"        // question many.example A
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 00 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "01"  // 300 x A 198.51.100.N, owner = pointer to the question
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 02 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "03"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 04 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "05"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 06 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "07"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 08 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "09"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 0a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "0b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 0c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "0d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 0e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "0f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 10 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "11"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 12 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "13"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 14 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "15"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 16 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "17"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 18 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "19"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 1a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "1b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 1c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "1d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 1e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "1f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 20 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "21"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 22 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "23"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 24 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "25"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 26 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "27"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 28 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "29"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 2a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "2b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 2c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "2d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 2e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "2f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 30 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "31"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 32 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "33"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 34 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "35"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 36 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "37"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 38 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "39"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 3a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "3b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 3c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "3d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 3e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "3f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 40 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "41"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 42 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "43"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 44 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "45"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 46 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "47"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 48 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "49"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 4a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "4b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 4c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "4d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 4e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "4f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 50 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "51"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 52 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "53"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 54 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "55"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 56 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "57"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 58 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "59"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 5a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "5b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 5c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "5d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 5e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "5f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 60 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "61"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 62 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "63"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 64 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "65"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 66 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "67"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 68 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "69"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 6a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "6b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 6c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "6d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 6e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "6f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 70 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "71"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 72 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "73"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 74 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "75"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 76 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "77"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 78 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "79"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 7a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "7b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 7c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "7d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 7e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "7f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 80 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "81"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 82 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "83"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 84 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "85"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 86 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "87"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 88 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "89"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 8a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "8b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 8c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "8d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 8e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "8f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 90 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "91"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 92 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "93"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 94 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "95"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 96 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "97"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 98 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "99"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 9a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "9b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 9c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "9d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 9e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "9f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 a0 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "a1"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 a2 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "a3"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 a4 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "a5"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 a6 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "a7"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 a8 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "a9"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 aa c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "ab"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 ac c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "ad"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 ae c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "af"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 b0 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "b1"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 b2 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "b3"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 b4 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "b5"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 b6 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "b7"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 b8 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "b9"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 ba c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "bb"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 bc c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "bd"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 be c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "bf"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 c0 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "c1"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 c2 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "c3"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 c4 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "c5"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 c6 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "c7"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 c8 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "c9"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 ca c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "cb"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 cc c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "cd"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 ce c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "cf"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 d0 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "d1"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 d2 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "d3"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 d4 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "d5"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 d6 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "d7"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 d8 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "d9"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 da c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "db"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 dc c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "dd"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 de c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "df"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 e0 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "e1"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 e2 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "e3"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 e4 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "e5"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 e6 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "e7"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 e8 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "e9"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 ea c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "eb"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 ec c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "ed"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 ee c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "ef"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 f0 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "f1"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 f2 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "f3"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 f4 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "f5"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 f6 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "f7"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 f8 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "f9"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 fa c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "fb"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 fc c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "fd"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 fe c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "ff"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 00 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "01"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 02 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "03"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 04 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "05"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 06 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "07"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 08 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "09"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 0a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "0b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 0c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "0d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 0e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "0f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 10 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "11"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 12 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "13"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 14 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "15"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 16 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "17"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 18 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "19"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 1a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "1b"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 1c c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "1d"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 1e c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "1f"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 20 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "21"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 22 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "23"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 24 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "25"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 26 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "27"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 28 c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "29"
    "c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 2a c0 0c 00 01 00 01 00 00 00 3c 00 04 c6 33 64 "
    "2b"};

/// One frame copied out of a capture (the source's buffer is reused on the next read).
struct stored_frame {
    frame f;
    std::vector<std::byte> bytes;
};

std::vector<stored_frame> load_corpus() {
    std::vector<stored_frame> frames;
    const std::filesystem::path dir = std::filesystem::path(PKTSCOPE_CORPUS_DIR) / "tcpdump/pcaps";
    if (!std::filesystem::is_directory(dir)) return frames;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        try {
            pcap_source source = pcap_source::open_file(entry.path().string());
            frame f;
            while (source.next(f)) {
                stored_frame s;
                s.f = f;
                s.bytes.assign(f.data.begin(), f.data.end());
                frames.push_back(std::move(s));
            }
        } catch (const capture_error&) {
            // Some corpus files are cut or unreadable on purpose; what was read is kept.
        }
    }
    for (stored_frame& s : frames) s.f.data = s.bytes;  // after the vector stopped moving
    return frames;
}

/// What the mix exercised, so the test fails if it stops covering the interesting paths.
struct coverage {
    std::size_t packets = 0, with_anomalies = 0, dns = 0, dns_records = 0, tcp_options = 0,
                ipv6_extensions = 0, icmp_quotes = 0, vlan = 0, malformed_dns = 0;
};

// Decodes and, for DNS, walks every name and record the way the renderers do.
void decode_and_walk(const frame& f, decoded_packet& p, coverage& seen) {
    decode(f, p);
    ++seen.packets;
    if (!p.anomalies.empty()) ++seen.with_anomalies;
    if (p.tcp_opts.any) ++seen.tcp_options;
    if (p.ipv6_extensions.count != 0) ++seen.ipv6_extensions;
    if (p.quote) ++seen.icmp_quotes;
    if (p.vlan_count != 0) ++seen.vlan;
    if (!p.dns) return;
    ++seen.dns;
    if (!p.dns->complete) ++seen.malformed_dns;
    const byte_span msg = p.dns->message.bytes();
    dns_walker walker(p.dns->message);
    dns_question q;
    dns_name_text name;
    while (walker.next_question(q)) read_dns_name(msg, q.name_offset, &name);
    dns_record r;
    dns_rdata_text data;
    while (walker.next_record(r)) {
        ++seen.dns_records;
        read_dns_name(msg, r.name_offset, &name);
        data.clear();
        format_dns_rdata(msg, r, data);
    }
}

TEST(DecodeAllocations, NoneOverTheCorpusAndCraftedPackets) {
    const std::vector<stored_frame> corpus = load_corpus();
    if (corpus.empty()) GTEST_SKIP() << "no corpus at " << PKTSCOPE_CORPUS_DIR;
    auto many_records = from_hex(dns_response_with_300_a_records.hex);
    frame crafted;
    crafted.data = many_records;
    crafted.caplen = crafted.wirelen = static_cast<std::uint32_t>(many_records.size());

    decoded_packet p;
    coverage seen;
    allocations = 0;
    counting = true;
    for (const stored_frame& s : corpus) decode_and_walk(s.f, p, seen);
    decode_and_walk(crafted, p, seen);
    // Malformed variants of it, made in place: every byte of the DNS message in turn set to
    // a pointer start, a reserved label type, a long label and zero.
    constexpr std::size_t dns_start = 14 + 20 + 8;
    for (std::size_t i = dns_start; i < many_records.size(); ++i) {
        const std::byte kept = many_records[i];
        for (int v : {0xc0, 0x40, 0x3f, 0x00}) {
            many_records[i] = static_cast<std::byte>(v);
            decode_and_walk(crafted, p, seen);
        }
        many_records[i] = kept;
    }
    // The checksum-free and DNS-free paths too.
    const decode_options bare{false, false};
    for (const stored_frame& s : corpus) decode(s.f, p, bare);
    counting = false;

    EXPECT_EQ(allocations.load(), 0u) << "over " << seen.packets << " packets";
    std::printf(
        "decoded %zu packets: %zu with anomalies, %zu DNS (%zu records), %zu with TCP "
        "options, %zu with IPv6 extensions, %zu ICMP quotes, %zu VLAN-tagged, %zu malformed DNS\n",
        seen.packets, seen.with_anomalies, seen.dns, seen.dns_records, seen.tcp_options,
        seen.ipv6_extensions, seen.icmp_quotes, seen.vlan, seen.malformed_dns);
    // The mix must really contain what the guarantee is about (about 10,000 corpus frames
    // with 1,500 anomalous ones, 85 DNS messages, 30 ICMP errors, 90 VLAN-tagged; and
    // 20,000 variants of the 300-record response, over 3,000 of them malformed).
    EXPECT_GT(seen.packets, 25000u);
    EXPECT_GT(seen.with_anomalies, 15000u);
    EXPECT_GT(seen.dns, 15000u);
    EXPECT_GT(seen.dns_records, 1000000u);
    EXPECT_GT(seen.malformed_dns, 2000u);
    EXPECT_GT(seen.tcp_options, 1000u);
    EXPECT_GT(seen.ipv6_extensions, 50u);
    EXPECT_GT(seen.icmp_quotes, 20u);
    EXPECT_GT(seen.vlan, 50u);
}

TEST(DecodeAllocations, TheCounterSeesAllocations) {
    // The test above can only fail if counting works: an allocation while armed is counted.
    allocations = 0;
    counting = true;
    auto* leak_check = new std::vector<int>(3);
    counting = false;
    delete leak_check;
    EXPECT_EQ(allocations.load(), 2u);  // the vector object and its buffer
}

}  // namespace
}  // namespace pktscope::test
