// Tests the memory plan: totals, margin, largest context, and the choice
// among weight formats, with exact byte counts.
#include "engine/memory_plan.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

namespace lapbench::engine {
namespace {

constexpr uint64_t kMiB = uint64_t{1} << 20;
constexpr uint64_t kGiB = uint64_t{1} << 30;

// 4 GiB of weights, 128 KiB of KV cache per token for 8192 tokens (1 GiB),
// 256 MiB of scratch: 5.25 GiB in all.
MemoryNeeds FourGiBModel() {
  return MemoryNeeds{.weights_bytes = 4 * kGiB,
                     .kv_bytes_per_token = 128 * 1024,
                     .n_ctx_tokens = 8192,
                     .scratch_bytes = 256 * kMiB};
}

TEST_CASE("A run that does not fit says by how much and what context would",
          "[engine][memory_plan]") {
  MemoryPlan plan = PlanMemory(FourGiBModel(), 4 * kGiB + 512 * kMiB);
  REQUIRE(plan.kv_cache_bytes == kGiB);
  REQUIRE(plan.needed_bytes == 5 * kGiB + 256 * kMiB);
  REQUIRE(!plan.fits);
  REQUIRE(plan.margin_bytes == -768 * static_cast<int64_t>(kMiB));
  // (4.5 GiB - 4.25 GiB) / 128 KiB.
  REQUIRE(plan.max_ctx_tokens == 2048);
  REQUIRE(plan.Message() ==
          "model needs 5.25 GiB (weights 4.00 GiB, KV cache 1.00 GiB for "
          "8192 tokens, scratch 256.0 MiB) but 4.50 GiB is available; at most "
          "2048 tokens of context fit beside these weights");
}

TEST_CASE("A run that fits reports what is left over",
          "[engine][memory_plan]") {
  MemoryPlan plan = PlanMemory(FourGiBModel(), 6 * kGiB);
  REQUIRE(plan.fits);
  REQUIRE(plan.margin_bytes == 768 * static_cast<int64_t>(kMiB));
  REQUIRE(plan.max_ctx_tokens == 14336);  // 1.75 GiB / 128 KiB
  REQUIRE(plan.Message() ==
          "model needs 5.25 GiB (weights 4.00 GiB, KV cache 1.00 GiB for "
          "8192 tokens, scratch 256.0 MiB) and 6.00 GiB is available (768.0 "
          "MiB to spare)");
}

TEST_CASE("A run that needs exactly what is available fits with no margin",
          "[engine][memory_plan]") {
  MemoryPlan plan = PlanMemory(FourGiBModel(), 5 * kGiB + 256 * kMiB);
  REQUIRE(plan.fits);
  REQUIRE(plan.margin_bytes == 0);
  REQUIRE(plan.max_ctx_tokens == 8192);
}

TEST_CASE("Weights that alone exceed the memory allow no context",
          "[engine][memory_plan]") {
  MemoryNeeds needs = FourGiBModel();
  needs.weights_bytes = 8 * kGiB;
  MemoryPlan plan = PlanMemory(needs, 4 * kGiB + 512 * kMiB);
  REQUIRE(!plan.fits);
  REQUIRE(plan.max_ctx_tokens == 0);
  REQUIRE(plan.Message() ==
          "model needs 9.25 GiB (weights 8.00 GiB, KV cache 1.00 GiB for "
          "8192 tokens, scratch 256.0 MiB) but 4.50 GiB is available; the "
          "weights and scratch alone do not fit");

  // The same with a KV cache that costs nothing per token.
  needs.kv_bytes_per_token = 0;
  REQUIRE(PlanMemory(needs, 4 * kGiB).max_ctx_tokens == 0);
}

TEST_CASE("Weights that fit with room for less than one token allow none",
          "[engine][memory_plan]") {
  MemoryNeeds needs{.weights_bytes = 4 * kGiB,
                    .kv_bytes_per_token = kGiB,
                    .n_ctx_tokens = 1,
                    .scratch_bytes = 0};
  MemoryPlan plan = PlanMemory(needs, 4 * kGiB + 512 * kMiB);
  REQUIRE(!plan.fits);
  REQUIRE(plan.max_ctx_tokens == 0);
  REQUIRE(plan.Message().ends_with(
      "at most 0 tokens of context fit beside these weights"));
}

TEST_CASE(
    "A KV cache that costs nothing per token leaves the context "
    "unbounded",
    "[engine][memory_plan]") {
  MemoryNeeds needs{.weights_bytes = kGiB,
                    .kv_bytes_per_token = 0,
                    .n_ctx_tokens = 4096,
                    .scratch_bytes = kMiB};
  MemoryPlan plan = PlanMemory(needs, 2 * kGiB);
  REQUIRE(plan.fits);
  REQUIRE(plan.kv_cache_bytes == 0);
  REQUIRE(!plan.max_ctx_tokens.has_value());
}

TEST_CASE("Absurd sizes saturate instead of wrapping around",
          "[engine][memory_plan]") {
  MemoryNeeds needs{.weights_bytes = kGiB,
                    .kv_bytes_per_token = uint64_t{1} << 40,
                    .n_ctx_tokens = int64_t{1} << 30,
                    .scratch_bytes = 0};
  MemoryPlan plan = PlanMemory(needs, 16 * kGiB);
  REQUIRE(plan.kv_cache_bytes == std::numeric_limits<uint64_t>::max());
  REQUIRE(plan.needed_bytes == std::numeric_limits<uint64_t>::max());
  REQUIRE(!plan.fits);
  REQUIRE(plan.margin_bytes == -std::numeric_limits<int64_t>::max());
  REQUIRE(plan.max_ctx_tokens == 0);  // 15 GiB < 1 TiB per token
}

TEST_CASE("A negative context length is rejected", "[engine][memory_plan]") {
  MemoryNeeds needs = FourGiBModel();
  needs.n_ctx_tokens = -1;
  REQUIRE_THROWS_WITH(PlanMemory(needs, 8 * kGiB),
                      "context length: '-1' (expected 0 or more tokens)");
}

TEST_CASE("The largest weight format that fits is chosen",
          "[engine][memory_plan]") {
  // KV cache 1 GiB + scratch 0.25 GiB beside each option's weights.
  const std::vector<WeightOption> options = {
      {"f32", 16 * kGiB},
      {"bf16", 8 * kGiB},
      {"q8_0", 4 * kGiB + 256 * kMiB},
      {"q4_0", 2 * kGiB + 256 * kMiB},
  };
  MemoryNeeds needs = FourGiBModel();
  auto chosen = [&](uint64_t available_bytes) {
    auto option = LargestFittingWeights(options, needs, available_bytes);
    return option ? option->format : std::string("none");
  };
  REQUIRE(chosen(64 * kGiB) == "f32");
  REQUIRE(chosen(9 * kGiB + 256 * kMiB) == "bf16");  // exactly fits
  REQUIRE(chosen(9 * kGiB) == "q8_0");
  REQUIRE(chosen(5 * kGiB) == "q4_0");
  REQUIRE(chosen(3 * kGiB) == "none");
  REQUIRE(!LargestFittingWeights({}, needs, 64 * kGiB).has_value());
}

TEST_CASE("Two formats of the same size: the first listed wins",
          "[engine][memory_plan]") {
  MemoryNeeds needs{.weights_bytes = 0,
                    .kv_bytes_per_token = 0,
                    .n_ctx_tokens = 0,
                    .scratch_bytes = 0};
  auto option = LargestFittingWeights({{"q4_0", kGiB}, {"iq4_nl", kGiB}}, needs,
                                      2 * kGiB);
  REQUIRE(option->format == "q4_0");
}

TEST_CASE("Byte counts print in GiB with two decimals",
          "[engine][memory_plan]") {
  REQUIRE(FormatGiB(0) == "0.00 GiB");
  REQUIRE(FormatGiB(3 * kGiB / 2) == "1.50 GiB");
  REQUIRE(FormatGiB(5 * kMiB) == "0.00 GiB");
  REQUIRE(FormatGiB(11 * kMiB) == "0.01 GiB");
  REQUIRE(FormatSize(kGiB) == "1.00 GiB");
  REQUIRE(FormatSize(kGiB - kMiB) == "1023.0 MiB");
  REQUIRE(FormatSize(1536 * 1024) == "1.5 MiB");
}

}  // namespace
}  // namespace lapbench::engine
