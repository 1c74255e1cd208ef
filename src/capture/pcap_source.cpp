#include <net/if.h>
#include <pcap/pcap.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "pktscope/capture.hpp"
#include "stdio_buffer.hpp"

namespace pktscope {
namespace {

// The running program's path, so the setcap advice can be pasted as is.
std::string own_program_path() {
    char buf[4096] = {};
    const ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
    return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string("$(command -v pktscope)");
}

// A permission failure gets the capability it lacks and how to grant it. An unprivileged
// pcap_create on a missing interface also fails with PERM_DENIED (the packet socket comes
// first), so the interface's existence is checked before blaming privileges.
std::string privilege_hint(int status, const std::string& device, const char* detail) {
    const bool exists = device == "any" || ::if_nametoindex(device.c_str()) != 0;
    if (status == PCAP_ERROR_PERM_DENIED && exists)
        return "capture on interface " + device +
               " needs CAP_NET_RAW, which this process lacks: run as root, or grant it with "
               "`setcap cap_net_raw,cap_net_admin=eip " +
               own_program_path() + "`";
    if (status == PCAP_ERROR_NO_SUCH_DEVICE || !exists)
        return "no such interface: " + device + " (list them with `pktscope sniff -D`)";
    if (status == PCAP_ERROR_PROMISC_PERM_DENIED)
        return "promiscuous mode on " + device + " not permitted: run as root or use -p";
    return "cannot capture on interface " + device + ": " + (detail != nullptr ? detail : "unknown error");
}

bool supports_linktype(pcap* handle, int dlt) {
    int* list = nullptr;
    const int n = pcap_list_datalinks(handle, &list);
    bool found = false;
    for (int i = 0; i < n; ++i) found = found || list[i] == dlt;
    if (n >= 0) pcap_free_datalinks(list);
    return found;
}

}  // namespace

pcap_source pcap_source::open_file(const std::string& path, const std::string& filter) {
    pcap_source src;
    src.description_ = "file " + path;
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw capture_error("cannot read " + path + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw capture_error("cannot read " + path + ": is a directory");
    src.file_size_ = static_cast<std::uint64_t>(st.st_size);
    src.file_ = std::fopen(path.c_str(), "rb");
    if (src.file_ == nullptr) throw capture_error("cannot read " + path + ": " + std::strerror(errno));
    // libpcap reads through stdio; a large aligned buffer doubles file throughput.
    src.file_buffer_ = detail::set_capture_file_buffer(src.file_);
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    src.handle_ = pcap_fopen_offline_with_tstamp_precision(src.file_, PCAP_TSTAMP_PRECISION_NANO, errbuf);
    if (src.handle_ == nullptr) {
        std::fclose(src.file_);
        src.file_ = nullptr;
        std::string why = errbuf;
        if (src.file_size_ == 0) why = "empty file";
        throw capture_error(path + " is not a pcap or pcapng capture (" + why + ")");
    }
    // pcap_close() closes the FILE it was given.
    src.apply_filter(filter);
    src.cache_handle_facts();
    return src;
}

pcap_source pcap_source::open_live(const live_options& options, const std::string& filter) {
    pcap_source src;
    src.description_ = "interface " + options.device;
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    src.handle_ = pcap_create(options.device.c_str(), errbuf);
    if (src.handle_ == nullptr)
        throw capture_error("cannot capture on interface " + options.device + ": " + errbuf);
    pcap_set_snaplen(src.handle_, options.snaplen);
    pcap_set_promisc(src.handle_, options.promiscuous ? 1 : 0);
    pcap_set_buffer_size(src.handle_, options.buffer_size_bytes);
    pcap_set_timeout(src.handle_, options.timeout_ms);
    pcap_set_immediate_mode(src.handle_, options.immediate ? 1 : 0);
    // Nanosecond timestamps where the kernel gives them; microseconds otherwise.
    if (pcap_set_tstamp_precision(src.handle_, PCAP_TSTAMP_PRECISION_NANO) != 0)
        pcap_set_tstamp_precision(src.handle_, PCAP_TSTAMP_PRECISION_MICRO);
    const int status = pcap_activate(src.handle_);
    if (status < 0) {
        const std::string message = privilege_hint(status, options.device, pcap_geterr(src.handle_));
        throw capture_error(message);
    }
    // On `any`, libpcap still defaults to LINUX_SLL (v1), which has no interface index;
    // SLL2 carries it, so packets can be shown with their interface name (as tcpdump does).
    if (pcap_datalink(src.handle_) == DLT_LINUX_SLL && supports_linktype(src.handle_, DLT_LINUX_SLL2))
        pcap_set_datalink(src.handle_, DLT_LINUX_SLL2);
    // A loopback packet is seen by the packet socket twice (PACKET_OUTGOING, then again as
    // incoming); libpcap drops the outgoing copy of anything on `lo` (pcap-linux.c,
    // linux_check_direction), both on `lo` and on `any`, so every loopback packet reaches us
    // exactly once and no deduplication is done here. pcap_stats' `received` still counts
    // both copies, which is why it is about twice the packet count on loopback.
    if (!options.direction.empty() && options.direction != "inout") {
        const pcap_direction_t dir = options.direction == "in" ? PCAP_D_IN : PCAP_D_OUT;
        if (pcap_setdirection(src.handle_, dir) != 0)
            throw capture_error("cannot set direction " + options.direction + " on " +
                                options.device + ": " + pcap_geterr(src.handle_));
    }
    src.apply_filter(filter);
    src.cache_handle_facts();
    return src;
}

// Facts next() needs for every packet, asked of libpcap once instead of per packet.
void pcap_source::cache_handle_facts() noexcept {
    ns_per_tick_ = pcap_get_tstamp_precision(handle_) == PCAP_TSTAMP_PRECISION_NANO ? 1 : 1000;
    linktype_ = static_cast<std::uint16_t>(pcap_datalink(handle_));
}

void pcap_source::apply_filter(const std::string& filter) {
    if (filter.empty()) return;
    bpf_program program{};
    if (pcap_compile(handle_, &program, filter.c_str(), 1, PCAP_NETMASK_UNKNOWN) != 0)
        throw capture_error("bad filter expression '" + filter + "': " + pcap_geterr(handle_));
    const int rc = pcap_setfilter(handle_, &program);
    pcap_freecode(&program);
    if (rc != 0) throw capture_error("cannot apply filter '" + filter + "': " + pcap_geterr(handle_));
}

pcap_source::pcap_source(pcap_source&& other) noexcept { *this = std::move(other); }

pcap_source& pcap_source::operator=(pcap_source&& other) noexcept {
    if (this != &other) {
        if (handle_ != nullptr) pcap_close(handle_);
        handle_ = std::exchange(other.handle_, nullptr);
        file_ = std::exchange(other.file_, nullptr);
        file_buffer_ = std::move(other.file_buffer_);
        file_size_ = other.file_size_;
        timed_out_ = other.timed_out_;
        ns_per_tick_ = other.ns_per_tick_;
        linktype_ = other.linktype_;
        description_ = std::move(other.description_);
    }
    return *this;
}

pcap_source::~pcap_source() {
    if (handle_ != nullptr) pcap_close(handle_);
}

bool pcap_source::next(frame& out) {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    timed_out_ = false;
    const int rc = pcap_next_ex(handle_, &header, &data);
    if (rc == 1) {
        // A pcap record's seconds are an unsigned 32-bit count (draft-ietf-opsawg-pcap,
        // "Packet Record"), but libpcap 1.10 passes them through a signed 32-bit field, so
        // dates from 2038 to 2106 arrive negative; from a file, a negative value is that
        // unsigned one (tshark reads them so too). pcapng's 64-bit times are never negative.
        std::int64_t seconds = static_cast<std::int64_t>(header->ts.tv_sec);
        if (seconds < 0 && file_ != nullptr) seconds += std::int64_t{1} << 32;
        out.ts_ns = seconds * 1'000'000'000 +
                    static_cast<std::int64_t>(header->ts.tv_usec) * ns_per_tick_;
        out.caplen = header->caplen;
        out.wirelen = header->len;
        out.linktype = linktype_;
        out.data = as_bytes_of(data, header->caplen);
        return true;
    }
    if (rc == 0) {  // live read timeout
        timed_out_ = true;
        out.data = {};
        out.caplen = out.wirelen = 0;
        return true;
    }
    if (rc == PCAP_ERROR_BREAK) return false;
    const std::string why = pcap_geterr(handle_);
    if (why.find("truncated") != std::string::npos)
        throw capture_error(description_ + " is truncated: " + why);
    throw capture_error("error reading " + description_ + ": " + why);
}

int pcap_source::linktype() const noexcept { return pcap_datalink(handle_); }

int pcap_source::snaplen() const noexcept { return pcap_snapshot(handle_); }

std::optional<capture_stats> pcap_source::stats() const {
    if (file_ != nullptr) return std::nullopt;
    pcap_stat st{};
    if (pcap_stats(handle_, &st) != 0) return std::nullopt;
    return capture_stats{st.ps_recv, st.ps_drop, st.ps_ifdrop};
}

std::uint64_t pcap_source::file_position() const noexcept {
    if (file_ == nullptr) return 0;
    const long pos = std::ftell(file_);
    return pos < 0 ? 0 : static_cast<std::uint64_t>(pos);
}

void pcap_source::break_loop() noexcept {
    if (handle_ != nullptr) pcap_breakloop(handle_);
}

int pcap_source::selectable_fd() const noexcept {
    return file_ != nullptr ? -1 : pcap_get_selectable_fd(handle_);
}

std::string linktype_name(int dlt) {
    const char* name = pcap_datalink_val_to_name(dlt);
    return name != nullptr ? name : "DLT_" + std::to_string(dlt);
}

}  // namespace pktscope
