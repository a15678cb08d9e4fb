// The registry's Date as every part reads it (header only): a Date is set
// when any of its fields is; the proto's default (all zero) means "not
// given". Whether a set date is a real calendar day is the validators' to say.
#pragma once

#include "zizhu/registry/v1/types.pb.h"

namespace zizhu::registry {

inline bool IsSet(const v1::Date& date) { return date.year() != 0 || date.month() != 0 || date.day() != 0; }

}  // namespace zizhu::registry
