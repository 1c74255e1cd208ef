// result<T>: a parsed view or the anomaly that prevented it. No exceptions.
#pragma once

#include <type_traits>

#include "pktscope/anomaly.hpp"

namespace pktscope {

/// Either a value of T (a view, trivially copyable) or the anomaly explaining why there is none.
template <class T>
class result {
    static_assert(std::is_trivially_copyable_v<T>);

public:
    constexpr result(T value) noexcept : value_(value), ok_(true) {}  // NOLINT(implicit)
    constexpr result(anomaly error) noexcept : error_(error) {}       // NOLINT(implicit)

    constexpr bool ok() const noexcept { return ok_; }
    constexpr explicit operator bool() const noexcept { return ok_; }
    /// The value; meaningful only when ok().
    constexpr const T& value() const noexcept { return value_; }
    constexpr const T* operator->() const noexcept { return &value_; }
    constexpr const T& operator*() const noexcept { return value_; }
    /// The anomaly; meaningful only when !ok().
    constexpr anomaly error() const noexcept { return error_; }

private:
    T value_{};
    anomaly error_{anomaly::count_};
    bool ok_ = false;
};

}  // namespace pktscope
