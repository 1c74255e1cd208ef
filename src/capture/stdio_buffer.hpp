// A large, page-aligned stdio buffer for capture files (reading and writing).
#pragma once

#include <cstddef>
#include <cstdio>
#include <memory>

namespace pktscope::detail {

/// Bytes of the stdio buffer given to capture files: one read() or write() per MiB instead of
/// one per 4 KiB (stdio's default).
inline constexpr std::size_t capture_file_buffer_bytes = std::size_t{1} << 20;

/// Gives `file` a fully buffered, page-aligned stdio buffer of capture_file_buffer_bytes and
/// returns its storage, which must outlive `file`. Aligned because the kernel copied file data
/// into a buffer at malloc's 16-byte offset about 4x slower than into an aligned one (0.56 s
/// against 0.14 s of system time to read a 1.2 GB capture, measured with /usr/bin/time).
std::unique_ptr<char[]> set_capture_file_buffer(std::FILE* file);

}  // namespace pktscope::detail
