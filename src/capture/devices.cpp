#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>

#include <bit>

#include "pktscope/capture.hpp"

namespace pktscope {
namespace {

int prefix_length(const sockaddr* mask) {
    if (mask == nullptr) return -1;
    int bits = 0;
    if (mask->sa_family == AF_INET) {
        bits = std::popcount(reinterpret_cast<const sockaddr_in*>(mask)->sin_addr.s_addr);
    } else if (mask->sa_family == AF_INET6) {
        for (unsigned char b : reinterpret_cast<const sockaddr_in6*>(mask)->sin6_addr.s6_addr)
            bits += std::popcount(static_cast<unsigned>(b));
    } else {
        return -1;
    }
    return bits;
}

std::string address_text(const pcap_addr* a) {
    if (a->addr == nullptr) return {};
    char buf[INET6_ADDRSTRLEN] = {};
    if (a->addr->sa_family == AF_INET)
        inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a->addr)->sin_addr, buf, sizeof buf);
    else if (a->addr->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a->addr)->sin6_addr, buf, sizeof buf);
    else
        return {};
    std::string text = buf;
    const int bits = prefix_length(a->netmask);
    if (bits >= 0) {
        text.push_back('/');
        text.append(std::to_string(bits));
    }
    return text;
}

}  // namespace

std::vector<capture_device> list_devices() {
    pcap_if_t* all = nullptr;
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    if (pcap_findalldevs(&all, errbuf) != 0) throw capture_error(std::string("cannot list interfaces: ") + errbuf);
    std::vector<capture_device> out;
    for (pcap_if_t* d = all; d != nullptr; d = d->next) {
        capture_device dev;
        dev.name = d->name;
        if (d->description != nullptr) dev.description = d->description;
        for (pcap_addr* a = d->addresses; a != nullptr; a = a->next) {
            std::string text = address_text(a);
            if (!text.empty()) dev.addresses.push_back(std::move(text));
        }
        if (d->flags & PCAP_IF_UP) dev.flags.emplace_back("Up");
        if (d->flags & PCAP_IF_RUNNING) dev.flags.emplace_back("Running");
        if (d->flags & PCAP_IF_LOOPBACK) dev.flags.emplace_back("Loopback");
        if (d->flags & PCAP_IF_WIRELESS) dev.flags.emplace_back("Wireless");
        const bpf_u_int32 status = d->flags & PCAP_IF_CONNECTION_STATUS;
        if (status == PCAP_IF_CONNECTION_STATUS_CONNECTED) dev.flags.emplace_back("Connected");
        else if (status == PCAP_IF_CONNECTION_STATUS_DISCONNECTED) dev.flags.emplace_back("Disconnected");
        out.push_back(std::move(dev));
    }
    pcap_freealldevs(all);
    return out;
}

}  // namespace pktscope
