#include "stdio_buffer.hpp"

namespace pktscope::detail {

std::unique_ptr<char[]> set_capture_file_buffer(std::FILE* file) {
    constexpr std::size_t page = 4096;
    auto storage = std::make_unique<char[]>(capture_file_buffer_bytes + page);
    void* aligned = storage.get();
    std::size_t space = capture_file_buffer_bytes + page;
    std::align(page, capture_file_buffer_bytes, aligned, space);
    std::setvbuf(file, static_cast<char*>(aligned), _IOFBF, capture_file_buffer_bytes);
    return storage;
}

}  // namespace pktscope::detail
