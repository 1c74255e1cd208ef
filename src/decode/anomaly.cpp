#include "pktscope/anomaly.hpp"

namespace pktscope {

std::string_view anomaly_name(anomaly a) noexcept {
    switch (a) {
#define PKTSCOPE_ANOMALY_CASE(name) \
    case anomaly::name:             \
        return #name;
        PKTSCOPE_ANOMALIES(PKTSCOPE_ANOMALY_CASE)
#undef PKTSCOPE_ANOMALY_CASE
        case anomaly::count_:
            break;
    }
    return "unknown";
}

}  // namespace pktscope
