// RFC 9293 state transitions of both endpoints, driven by the segments the capture saw.
#include "handshake_rfc9293.hpp"

#include "pktscope/tcp.hpp"

namespace pktscope::detail {
namespace {

using st = tcp_state;

// The receiver's reaction to an ACK covering its FIN (RFC 9293 3.10.7.4, fifth check).
void on_fin_acknowledged(st& receiver) noexcept {
    switch (receiver) {
        case st::fin_wait_1:
            receiver = st::fin_wait_2;
            break;
        case st::closing:
            receiver = st::time_wait;
            break;
        case st::last_ack:
            receiver = st::closed;
            break;
        default:
            break;
    }
}

// The sender of a FIN (RFC 9293 3.6 "CLOSE" in each state).
void on_fin_sent(st& sender) noexcept {
    switch (sender) {
        case st::syn_received:
        case st::established:
            sender = st::fin_wait_1;
            break;
        case st::close_wait:
            sender = st::last_ack;
            break;
        default:
            break;
    }
}

// The receiver of a FIN (RFC 9293 3.10.7.4, eighth check).
void on_fin_received(st& receiver) noexcept {
    switch (receiver) {
        case st::syn_received:
        case st::established:
            receiver = st::close_wait;
            break;
        case st::fin_wait_1:
            receiver = st::closing;
            break;  // its own FIN not yet ACKed
        case st::fin_wait_2:
            receiver = st::time_wait;
            break;
        default:
            break;
    }
}

}  // namespace

void rfc9293_update(tcp_state& client, tcp_state& server, const rfc9293_segment& s) noexcept {
    st& sender = s.from_client ? client : server;
    st& receiver = s.from_client ? server : client;
    const bool syn = (s.flags & tcp_flag::syn) != 0;
    const bool ack = (s.flags & tcp_flag::ack) != 0;
    const bool fin = (s.flags & tcp_flag::fin) != 0;
    const bool rst = (s.flags & tcp_flag::rst) != 0;

    if (rst) {
        // An acceptable RST tears the connection down at both ends (3.10.7.2 to 3.10.7.4);
        // an unacceptable one is dropped by the receiver and changes nothing.
        if (s.rst_accepted) sender = receiver = st::closed;
        return;
    }
    if (syn && !ack) {
        if (sender == st::closed || sender == st::listen) sender = st::syn_sent;
        if (receiver == st::syn_sent) receiver = st::syn_received;  // simultaneous open (3.5)
        return;
    }
    if (syn && ack) {
        if (sender == st::listen || sender == st::closed || sender == st::syn_sent)
            sender = st::syn_received;
        // The SYN-ACK acknowledges the receiver's SYN: it is established and answers with an ACK.
        if (receiver == st::syn_sent || receiver == st::syn_received) receiver = st::established;
        return;
    }
    if (ack) {
        // The ACK completing the handshake (or ending a simultaneous open).
        if (receiver == st::syn_received) receiver = st::established;
        if (sender == st::syn_received) sender = st::established;
        if (s.acknowledges_peer_fin) on_fin_acknowledged(receiver);
    }
    if (fin) {
        on_fin_sent(sender);
        on_fin_received(receiver);
    }
}

}  // namespace pktscope::detail
