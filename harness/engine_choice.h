// Choices the model commands make the same way: which kernel variant runs
// a model, and which KV cache type a flag names.
#pragma once

#include <string>
#include <vector>

#include "kernels/format.h"
#include "kernels/registry.h"

namespace lapbench::harness {

// The variant called `forced` (a clear error when this CPU lacks it), or,
// when `forced` is empty, the first variant (most specialised first) that
// runs on this CPU and has both products for every format in `formats`.
const kernels::Variant& PickVariant(const std::vector<kernels::Format>& formats,
                                    const std::string& forced);

// The KV cache format `--kv-format` names: f16 or f32. Throws
// std::invalid_argument otherwise.
kernels::Format ParseKvFormat(const std::string& name);

}  // namespace lapbench::harness
