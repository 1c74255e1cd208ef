#include <pcap/pcap.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <utility>

#include "pktscope/capture.hpp"
#include "stdio_buffer.hpp"

namespace pktscope {

pcap_writer::pcap_writer(const std::string& path, int linktype, int snaplen) : path_(path) {
    // A dead handle with nanosecond precision makes pcap_dump_open write the 0xa1b23c4d magic.
    dead_ = pcap_open_dead_with_tstamp_precision(linktype, snaplen, PCAP_TSTAMP_PRECISION_NANO);
    if (dead_ == nullptr) throw capture_error("cannot create a pcap writer for " + path);
    if (path == "-") {
        dumper_ = pcap_dump_open(dead_, "-");  // standard output, libpcap's convention
    } else if (std::FILE* file = std::fopen(path.c_str(), "wb")) {
        // A 1 MiB stdio buffer: a live flood of small packets costs one write() per MiB
        // instead of one per 4 KiB (fewer syscalls on the capture thread, fewer drops).
        buffer_ = detail::set_capture_file_buffer(file);
        dumper_ = pcap_dump_fopen(dead_, file);  // pcap_dump_close() closes `file`
        if (dumper_ == nullptr) std::fclose(file);
    } else {
        const int e = errno;
        pcap_close(dead_);
        dead_ = nullptr;
        throw capture_error("cannot write " + path + ": " + std::strerror(e));
    }
    if (dumper_ == nullptr) {
        // libpcap's message is "PATH: reason"; keep only the reason after our own "PATH: ".
        std::string why = pcap_geterr(dead_);
        if (why.rfind(path + ": ", 0) == 0) why.erase(0, path.size() + 2);
        pcap_close(dead_);
        dead_ = nullptr;
        throw capture_error("cannot write " + path + ": " + why);
    }
}

pcap_writer::pcap_writer(pcap_writer&& other) noexcept { *this = std::move(other); }

pcap_writer& pcap_writer::operator=(pcap_writer&& other) noexcept {
    if (this != &other) {
        if (dumper_ != nullptr) pcap_dump_close(dumper_);
        if (dead_ != nullptr) pcap_close(dead_);
        dead_ = std::exchange(other.dead_, nullptr);
        dumper_ = std::exchange(other.dumper_, nullptr);
        buffer_ = std::move(other.buffer_);
        path_ = std::move(other.path_);
    }
    return *this;
}

pcap_writer::~pcap_writer() {
    if (dumper_ != nullptr) pcap_dump_close(dumper_);
    if (dead_ != nullptr) pcap_close(dead_);
}

void pcap_writer::write(const frame& f) {
    pcap_pkthdr header{};
    header.ts.tv_sec = static_cast<time_t>(f.ts_ns / 1'000'000'000);
    header.ts.tv_usec = static_cast<suseconds_t>(f.ts_ns % 1'000'000'000);  // nanoseconds here
    header.caplen = f.caplen;
    header.len = f.wirelen;
    pcap_dump(reinterpret_cast<u_char*>(dumper_), &header,
              reinterpret_cast<const u_char*>(f.data.data()));
}

void pcap_writer::flush() {
    if (pcap_dump_flush(dumper_) != 0)
        throw capture_error("cannot write " + path_ + ": " + std::strerror(errno));
}

}  // namespace pktscope
