// A delaying Ethernet forwarder for live tests (this kernel has no netem): frames arriving on
// interface A leave on interface B unchanged after a fixed delay, and B -> A after another.
// Both interfaces are put in promiscuous mode and carry no address, so the namespace running
// this acts as a slow bridge between two hosts of one subnet. Bounded in time and queue size.
//
// Usage: handshakes_delay_forwarder IF_A IF_B A_TO_B_MS B_TO_A_MS MAX_SECONDS
// Prints "forwarding" when both sockets are ready, and the counts on exit (SIGTERM or time).
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

namespace {

using steady = std::chrono::steady_clock;

constexpr std::size_t max_queued_frames = 4096;
constexpr std::size_t max_frame_bytes = 65536;

volatile std::sig_atomic_t stop_requested = 0;
void on_signal(int) {
    stop_requested = 1;
}

struct queued_frame {
    steady::time_point due;
    std::vector<unsigned char> bytes;
};

// One direction: frames read on `in` wait `delay` and leave on `out`.
struct direction {
    int in = -1;
    int out = -1;
    std::chrono::milliseconds delay{0};
    std::deque<queued_frame> queue;  // FIFO: one delay per direction keeps it ordered
    unsigned long forwarded = 0;
    unsigned long dropped = 0;
};

int open_port(const char* name) {
    const int fd = ::socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) {
        std::perror("socket(AF_PACKET)");
        std::exit(1);
    }
    const unsigned index = ::if_nametoindex(name);
    if (index == 0) {
        std::fprintf(stderr, "no such interface: %s\n", name);
        std::exit(1);
    }
    sockaddr_ll address{};
    address.sll_family = AF_PACKET;
    address.sll_protocol = htons(ETH_P_ALL);
    address.sll_ifindex = static_cast<int>(index);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        std::perror("bind");
        std::exit(1);
    }
    packet_mreq membership{};
    membership.mr_ifindex = static_cast<int>(index);
    membership.mr_type = PACKET_MR_PROMISC;
    ::setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &membership, sizeof membership);
    // Our own transmissions must not come back as input (that would loop forever).
    const int one = 1;
    ::setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
    return fd;
}

void receive_all(direction& d, unsigned char* buffer) {
    for (;;) {
        sockaddr_ll from{};
        socklen_t length = sizeof from;
        const ssize_t n = ::recvfrom(d.in, buffer, max_frame_bytes, MSG_DONTWAIT,
                                     reinterpret_cast<sockaddr*>(&from), &length);
        if (n <= 0) return;
        if (from.sll_pkttype == PACKET_OUTGOING) continue;  // kernels without IGNORE_OUTGOING
        if (d.queue.size() >= max_queued_frames) {
            ++d.dropped;
            continue;
        }
        d.queue.push_back(
            {steady::now() + d.delay, std::vector<unsigned char>(buffer, buffer + n)});
    }
}

void send_due(direction& d) {
    const auto now = steady::now();
    while (!d.queue.empty() && d.queue.front().due <= now) {
        const std::vector<unsigned char>& bytes = d.queue.front().bytes;
        if (::send(d.out, bytes.data(), bytes.size(), 0) >= 0)
            ++d.forwarded;
        else
            ++d.dropped;
        d.queue.pop_front();
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: %s IF_A IF_B A_TO_B_MS B_TO_A_MS MAX_SECONDS\n", argv[0]);
        return 2;
    }
    std::signal(SIGTERM, on_signal);
    std::signal(SIGINT, on_signal);
    const int a = open_port(argv[1]);
    const int b = open_port(argv[2]);
    direction a_to_b{a, b, std::chrono::milliseconds(std::atol(argv[3])), {}, 0, 0};
    direction b_to_a{b, a, std::chrono::milliseconds(std::atol(argv[4])), {}, 0, 0};
    const auto deadline = steady::now() + std::chrono::seconds(std::atol(argv[5]));
    std::vector<unsigned char> buffer(max_frame_bytes);
    std::printf("forwarding %s -> %s after %s ms, %s -> %s after %s ms\n", argv[1], argv[2],
                argv[3], argv[2], argv[1], argv[4]);
    std::fflush(stdout);

    while (stop_requested == 0 && steady::now() < deadline) {
        // Sleep until a frame arrives or the next queued one is due (at most 100 ms).
        auto wake = steady::now() + std::chrono::milliseconds(100);
        for (const direction* d : {&a_to_b, &b_to_a})
            if (!d->queue.empty() && d->queue.front().due < wake) wake = d->queue.front().due;
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(wake - steady::now()).count();
        pollfd fds[2] = {{a, POLLIN, 0}, {b, POLLIN, 0}};
        ::poll(fds, 2, wait > 0 ? static_cast<int>(wait) : 0);
        if ((fds[0].revents & POLLIN) != 0) receive_all(a_to_b, buffer.data());
        if ((fds[1].revents & POLLIN) != 0) receive_all(b_to_a, buffer.data());
        send_due(a_to_b);
        send_due(b_to_a);
    }
    std::printf("forwarded %lu a->b, %lu b->a; dropped %lu, %lu\n", a_to_b.forwarded,
                b_to_a.forwarded, a_to_b.dropped, b_to_a.dropped);
    ::close(a);
    ::close(b);
    return 0;
}
