// Packet sources and writers on top of libpcap: pcap/pcapng files, live devices, and
// pcap output with nanosecond timestamps.
//
// Errors here are about the environment (missing file, not a capture file, no privilege),
// so they are exceptions: capture_error carries one line fit to print as is.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "pktscope/frame.hpp"

struct pcap;
struct pcap_dumper;

namespace pktscope {

/// A one-line, user-facing error about a file, device or privilege.
class capture_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Counters libpcap keeps for live captures (pcap_stats).
struct capture_stats {
    std::uint64_t received = 0;           ///< packets the filter accepted
    std::uint64_t dropped_kernel = 0;     ///< dropped for lack of buffer space
    std::uint64_t dropped_interface = 0;  ///< dropped by the interface or its driver
};

/// Settings of a live capture (pcap_create + pcap_activate).
struct live_options {
    std::string device;                   ///< interface name, or "any"
    int snaplen = 262144;                 ///< bytes kept per packet (-s)
    int buffer_size_bytes = 4 << 20;      ///< kernel buffer (-B, in bytes here)
    bool immediate = true;                ///< deliver each packet at once (interactive use)
    bool promiscuous = true;              ///< -p turns it off
    std::string direction;                ///< "", "in", "out" or "inout" (-Q)
    int timeout_ms = 100;                 ///< read timeout when not immediate
};

/// A libpcap packet source. Move-only; closes the handle on destruction.
class pcap_source {
public:
    /// Opens a pcap or pcapng file with nanosecond timestamps and a 1 MiB stdio buffer, and
    /// compiles `filter` (tcpdump syntax, may be empty) for the file's link type.
    /// Throws capture_error naming the file and the reason.
    static pcap_source open_file(const std::string& path, const std::string& filter = {});
    /// Opens and activates a live capture. Throws capture_error naming the device and, for a
    /// permission failure, the missing capability and how to grant it.
    static pcap_source open_live(const live_options& options, const std::string& filter = {});

    pcap_source(pcap_source&&) noexcept;
    pcap_source& operator=(pcap_source&&) noexcept;
    ~pcap_source();

    /// Next frame (bytes valid until the next call). Returns false at the end of a file or
    /// after break_loop(); a live read timeout with no packet returns true with
    /// `timed_out()` set and an empty frame. Throws capture_error on a read error (for a
    /// truncated file the message says so).
    bool next(frame& out);
    /// True when the last next() returned because of a read timeout (live only).
    bool timed_out() const noexcept { return timed_out_; }
    /// Link type (DLT_*) of the source.
    int linktype() const noexcept;
    int snaplen() const noexcept;
    /// Live statistics; nullopt for files.
    std::optional<capture_stats> stats() const;
    /// Bytes of the file consumed so far and its size (0 for live sources), for progress.
    std::uint64_t file_position() const noexcept;
    std::uint64_t file_size() const noexcept { return file_size_; }
    /// Makes a blocked next() return false; async-signal-safe (pcap_breakloop).
    void break_loop() noexcept;
    /// Selectable fd for live captures (-1 for files).
    int selectable_fd() const noexcept;
    /// The underlying libpcap handle (for pcap-specific extensions).
    pcap* handle() const noexcept { return handle_; }
    /// A human name of the source ("file x.pcap" / "interface eth0") for messages.
    const std::string& description() const noexcept { return description_; }

private:
    pcap_source() = default;
    void apply_filter(const std::string& filter);
    void cache_handle_facts() noexcept;
    pcap* handle_ = nullptr;
    std::FILE* file_ = nullptr;
    std::unique_ptr<char[]> file_buffer_;
    std::uint64_t file_size_ = 0;
    bool timed_out_ = false;
    std::int64_t ns_per_tick_ = 1000;  // timestamp unit of the handle: 1 (nano) or 1000 (micro)
    std::uint16_t linktype_ = 0;       // pcap_datalink(), fixed once the handle is open
    std::string description_;
};

/// Writes frames to a pcap file with the nanosecond magic (0xa1b23c4d). Move-only.
class pcap_writer {
public:
    /// Creates `path` (truncating) for `linktype`/`snaplen`. Throws capture_error.
    pcap_writer(const std::string& path, int linktype, int snaplen);
    pcap_writer(pcap_writer&&) noexcept;
    pcap_writer& operator=(pcap_writer&&) noexcept;
    ~pcap_writer();
    /// Appends one frame (caplen bytes, wirelen, ts_ns).
    void write(const frame& f);
    /// Flushes stdio buffers to the kernel; throws capture_error on failure (disk full).
    void flush();

private:
    pcap* dead_ = nullptr;
    pcap_dumper* dumper_ = nullptr;
    std::unique_ptr<char[]> buffer_;  ///< stdio buffer of the file (outlives the FILE)
    std::string path_;
};

/// One capture device as pcap_findalldevs reports it.
struct capture_device {
    std::string name;
    std::string description;
    std::vector<std::string> addresses;  ///< "192.0.2.1/24", "fe80::1/64", ...
    std::vector<std::string> flags;      ///< "Up", "Running", "Loopback", "Wireless", ...
};

/// Lists capture devices (for -D). Throws capture_error.
std::vector<capture_device> list_devices();

/// Name of link type `dlt` ("EN10MB", "LINUX_SLL2", ...).
std::string linktype_name(int dlt);

}  // namespace pktscope
