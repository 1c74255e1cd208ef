#include "handshake_syn_flood.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "pktscope/capture.hpp"
#include "pktscope/checksum.hpp"
#include "pktscope/ip_protocol.hpp"

namespace pktscope::bench {
namespace {

void put16(std::uint8_t* p, std::uint16_t v) {
    p[0] = static_cast<std::uint8_t>(v >> 8);
    p[1] = static_cast<std::uint8_t>(v);
}
void put32(std::uint8_t* p, std::uint32_t v) {
    put16(p, static_cast<std::uint16_t>(v >> 16));
    put16(p + 2, static_cast<std::uint16_t>(v));
}

constexpr std::size_t eth = 14, ip = 20, tcp = 40;

// A SYN from 10.x.y.z:port to 192.0.2.1:80 with Linux's options; sums filled in.
void fill_syn(std::array<std::uint8_t, eth + ip + tcp>& f, std::uint32_t source, std::uint16_t port,
              std::uint32_t isn, std::uint16_t ip_id) {
    f.fill(0);
    const std::uint8_t macs[12] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1};
    std::memcpy(f.data(), macs, sizeof macs);
    put16(f.data() + 12, 0x0800);
    std::uint8_t* h = f.data() + eth;
    h[0] = 0x45;
    put16(h + 2, ip + tcp);
    put16(h + 4, ip_id);
    h[6] = 0x40;  // DF
    h[8] = 64;
    h[9] = ip_protocol::tcp;
    put32(h + 12, source);
    put32(h + 16, 0xc0000201);  // 192.0.2.1
    put16(h + 10, static_cast<std::uint16_t>(~ones_complement_sum(as_bytes_of(h, ip))));
    std::uint8_t* t = h + ip;
    put16(t, port);
    put16(t + 2, 80);
    put32(t + 4, isn);
    t[12] = (tcp / 4) << 4;
    t[13] = 0x02;  // SYN
    put16(t + 14, 64240);
    std::uint8_t* o = t + 20;
    o[0] = 2, o[1] = 4, put16(o + 2, 1460);
    o[4] = 4, o[5] = 2;
    o[6] = 8, o[7] = 10, put32(o + 8, isn ^ 0x5a5a5a5a);
    o[16] = 1, o[17] = 3, o[18] = 3, o[19] = 7;
    const std::uint16_t pseudo =
        pseudo_header_sum(ipv4_address{source}, ipv4_address{0xc0000201}, ip_protocol::tcp, tcp);
    put16(t + 16, static_cast<std::uint16_t>(
                      ~ones_complement_add(pseudo, ones_complement_sum(as_bytes_of(t, tcp)))));
}

}  // namespace

void write_syn_flood(const std::string& path, std::uint64_t attempts, std::int64_t spacing_ns,
                     std::int64_t tail_ns) {
    pcap_writer writer(path, linktype::en10mb, 262144);
    std::array<std::uint8_t, eth + ip + tcp> syn{};
    const std::int64_t t0 = 1'700'000'000'000'000'000;
    frame f;
    f.linktype = linktype::en10mb;
    std::uint64_t state = 0x9e3779b97f4a7c15ULL;
    for (std::uint64_t i = 0; i < attempts; ++i) {
        state = state * 6364136223846793005ULL +
                1442695040888963407ULL;  // a fixed LCG: same file every run
        const auto source =
            static_cast<std::uint32_t>(0x0a000000U | (i & 0xffffffU));  // 10.0.0.0/8, distinct
        fill_syn(syn, source, static_cast<std::uint16_t>(1024 + (state >> 48) % 60000),
                 static_cast<std::uint32_t>(state >> 16), static_cast<std::uint16_t>(i));
        f.ts_ns = t0 + static_cast<std::int64_t>(i) * spacing_ns;
        f.caplen = f.wirelen = static_cast<std::uint32_t>(syn.size());
        f.data = as_bytes_of(syn.data(), syn.size());
        writer.write(f);
    }
    // The capture goes on: one unrelated UDP packet long after the last SYN.
    std::array<std::uint8_t, 42> udp{};
    std::memcpy(udp.data(), syn.data(), 12);
    put16(udp.data() + 12, 0x0800);
    std::uint8_t* h = udp.data() + eth;
    h[0] = 0x45;
    put16(h + 2, 28);
    h[8] = 64;
    h[9] = ip_protocol::udp;
    put32(h + 12, 0x0a000001);
    put32(h + 16, 0xc0000201);
    put16(h + 10, static_cast<std::uint16_t>(~ones_complement_sum(as_bytes_of(h, ip))));
    put16(h + ip, 9);
    put16(h + ip + 2, 9);
    put16(h + ip + 4, 8);
    f.ts_ns = t0 + static_cast<std::int64_t>(attempts) * spacing_ns + tail_ns;
    f.caplen = f.wirelen = static_cast<std::uint32_t>(udp.size());
    f.data = as_bytes_of(udp.data(), udp.size());
    writer.write(f);
    writer.flush();
}

flood_run run_handshakes_on_flood(const std::string& binary, const std::string& capture,
                                  const std::string& extra) {
    int out[2];
    if (::pipe(out) != 0) throw std::runtime_error(std::string("pipe: ") + std::strerror(errno));
    const auto start = std::chrono::steady_clock::now();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::dup2(out[1], STDOUT_FILENO);
        ::close(out[0]);
        ::close(out[1]);
        const std::string command =
            "exec " + binary + " handshakes -r " + capture + " --json " + extra + " 2>/dev/null";
        ::execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        ::_exit(127);
    }
    ::close(out[1]);
    flood_run r;
    std::vector<char> buffer(1 << 20);
    std::string line;
    ssize_t n = 0;
    while ((n = ::read(out[0], buffer.data(), buffer.size())) > 0 || (n < 0 && errno == EINTR)) {
        for (ssize_t i = 0; i < n; ++i) {
            const char c = buffer[static_cast<std::size_t>(i)];
            if (c != '\n') {
                line += c;
                continue;
            }
            if (line.rfind("{\"type\":\"tcp_connection\"", 0) == 0) {
                ++r.records;
                if (line.find("\"conn_state\":\"S0\"") != std::string::npos &&
                    line.find("\"end\":\"timeout\"") != std::string::npos)
                    ++r.s0_timeout;
            } else if (line.rfind("{\"type\":\"summary\"", 0) == 0) {
                r.summary = line;
            }
            line.clear();
        }
    }
    ::close(out[0]);
    int status = 0;
    rusage usage{};
    while (::wait4(pid, &status, 0, &usage) < 0)
        if (errno != EINTR) throw std::runtime_error(std::string("wait4: ") + std::strerror(errno));
    r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.peak_rss_kib = usage.ru_maxrss;
    r.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return r;
}

}  // namespace pktscope::bench
