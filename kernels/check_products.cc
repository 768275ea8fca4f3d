// Checker cases for the matrix-vector and matrix-matrix products.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "kernels/check_cases.h"
#include "kernels/quantize.h"
#include "kernels/ref/ref_kernels.h"

namespace lapbench::kernels::check {
namespace {

// Product error: |y - expected| / sum_c |w_c x_c| per output (the scale of
// every rounding error a dot product can make), and the tolerance is
// k * sqrt(cols) * 2^-24. Float summation in any order has a worst-case
// error of cols * 2^-24 of that scale and a typical one of about
// sqrt(cols) * 2^-24 (random rounding signs); dropping a single block of
// 32 products out of 14336 still moves the result by ~1e-4 of the scale,
// above every tolerance here, so a real bug cannot hide in them.
//
// F32/F16/BF16: products are exact in float (F16 x F16 and BF16 x BF16
// fit a float mantissa); only the order of the float additions differs.
constexpr double kFloatProductUlps = 4.0;
// Q8_0 and Q4_0: integer block sums are exact; each block adds two float
// roundings (d_w * d_a, times the sum) before the float accumulation.
constexpr double kLegacyQuantProductUlps = 4.0;
// Q6_K: as Q4_0 with one more rounding per super-block.
constexpr double kQ6_KProductUlps = 8.0;
// Q4_K: the scale term and the min term are each up to a few times larger
// than the weights they combine into (w = d sc q - dmin m), so their
// roundings count several times over against sum |w x|.
constexpr double kQ4_KProductUlps = 16.0;

double ProductUlps(Format format) {
  switch (format) {
    case Format::kQ8_0:
    case Format::kQ4_0:
      return kLegacyQuantProductUlps;
    case Format::kQ6_K:
      return kQ6_KProductUlps;
    case Format::kQ4_K:
      return kQ4_KProductUlps;
    default:
      return kFloatProductUlps;
  }
}

// Activation rows are padded so a kernel that ignores x_row_bytes fails.
constexpr size_t kActivationPadBytes = 64;
// Output rows are padded so a kernel that ignores y_stride fails.
constexpr int64_t kOutputPad = 3;

struct ProductShape {
  int64_t rows;
  int64_t cols;
  int64_t n_tokens;  // 0: matvec
};

// Seeded weights and activations of one case, with float64 expectations.
struct ProductData {
  WeightView w;
  std::vector<uint8_t> w_bytes;  // [rows][row_bytes]
  std::vector<uint8_t> x_bytes;  // [n][x_row_bytes], activation format
  size_t x_row_bytes = 0;
  int64_t n = 1;                // activation rows (tokens)
  std::vector<double> oracle;   // [n][rows]: sum_c w_c x_c
  std::vector<double> abs_sum;  // [n][rows]: sum_c |w_c x_c|
};

// Weights in [-1, 1) with every third row 4x larger and one 10x outlier
// per row, so block scales vary the way real tensors' do.
std::vector<float> MakeWeights(uint64_t seed, int64_t rows, int64_t cols) {
  std::vector<float> w =
      RandomFloats(seed, static_cast<size_t>(rows * cols), 1.0f);
  for (int64_t r = 0; r < rows; ++r) {
    float* row = w.data() + r * cols;
    if (r % 3 == 0) {
      for (int64_t c = 0; c < cols; ++c) row[c] *= 4.0f;
    }
    row[(r * 37) % cols] *= 10.0f;
  }
  return w;
}

// Quantizes `count` rows of `cols` floats into `format`, returning the
// bytes and, in `dequantized`, what those bytes decode to.
std::vector<uint8_t> QuantizeRows(Format format, const float* src,
                                  int64_t count, int64_t cols,
                                  size_t row_stride_bytes,
                                  std::vector<double>& dequantized) {
  std::vector<uint8_t> bytes(static_cast<size_t>(count) * row_stride_bytes,
                             0xA5);
  std::vector<float> row(static_cast<size_t>(cols));
  dequantized.resize(static_cast<size_t>(count * cols));
  for (int64_t i = 0; i < count; ++i) {
    uint8_t* dst = bytes.data() + static_cast<size_t>(i) * row_stride_bytes;
    QuantizeRow(format, src + i * cols, dst, cols);
    DequantizeRow(format, dst, row.data(), cols);
    std::copy(row.begin(), row.end(), dequantized.begin() + i * cols);
  }
  return bytes;
}

ProductData MakeProductData(Format format, const ProductShape& shape,
                            uint64_t seed) {
  ProductData data;
  const Format act = Info(format).activation;
  data.n = std::max<int64_t>(shape.n_tokens, 1);
  const size_t row_bytes = RowBytes(format, shape.cols, "check weights");
  const std::vector<float> w = MakeWeights(seed, shape.rows, shape.cols);
  std::vector<double> w_deq;
  data.w_bytes =
      QuantizeRows(format, w.data(), shape.rows, shape.cols, row_bytes, w_deq);
  data.w = {data.w_bytes.data(), format, shape.rows, shape.cols, row_bytes};

  const size_t pad = shape.n_tokens > 0 ? kActivationPadBytes : 0;
  data.x_row_bytes = RowBytes(act, shape.cols, "check activations") + pad;
  const std::vector<float> x = RandomFloats(
      seed ^ 0x5eed, static_cast<size_t>(data.n * shape.cols), 2.0f);
  std::vector<double> x_deq;
  data.x_bytes =
      QuantizeRows(act, x.data(), data.n, shape.cols, data.x_row_bytes, x_deq);

  for (int64_t t = 0; t < data.n; ++t) {
    for (int64_t r = 0; r < shape.rows; ++r) {
      double sum = 0.0;
      double abs_sum = 0.0;
      for (int64_t c = 0; c < shape.cols; ++c) {
        const double p = w_deq[r * shape.cols + c] * x_deq[t * shape.cols + c];
        sum += p;
        abs_sum += std::fabs(p);
      }
      data.oracle.push_back(sum);
      data.abs_sum.push_back(abs_sum);
    }
  }
  return data;
}

// Runs the product of `set` over rows [begin, end) into y ([n][y_stride]).
void RunProduct(const KernelSet& set, const ProductData& d, bool matmul,
                float* y, int64_t y_stride, int64_t begin, int64_t end) {
  if (matmul) {
    set.matmul[Slot(d.w.format)](d.w, d.x_bytes.data(), d.x_row_bytes, d.n, y,
                                 y_stride, begin, end);
  } else {
    set.matvec[Slot(d.w.format)](d.w, d.x_bytes.data(), y, begin, end);
  }
}

// True when y holds only sentinels outside rows [0, end) of each token.
bool UntouchedFrom(const std::vector<float>& y, int64_t n, int64_t y_stride,
                   int64_t end) {
  for (int64_t t = 0; t < n; ++t) {
    for (int64_t r = end; r < y_stride; ++r) {
      if (!IsSentinel(y[t * y_stride + r])) return false;
    }
  }
  return true;
}

CaseOutcome RunProductCase(const KernelSet& set, Expected expected,
                           Format format, const ProductShape& shape,
                           uint64_t seed) {
  const ProductData d = MakeProductData(format, shape, seed);
  const bool matmul = shape.n_tokens > 0;
  const int64_t y_stride = matmul ? shape.rows + kOutputPad : shape.rows;
  CaseOutcome outcome;
  outcome.tolerance = ProductUlps(format) *
                      std::sqrt(static_cast<double>(shape.cols)) *
                      kUnitRoundoff;

  // Two calls on split row ranges, as two threads would make them.
  std::vector<float> y(static_cast<size_t>(d.n * y_stride), Sentinel());
  const int64_t mid = shape.rows / 2;
  RunProduct(set, d, matmul, y.data(), y_stride, 0, mid);
  const bool first_ok = UntouchedFrom(y, d.n, y_stride, mid);
  RunProduct(set, d, matmul, y.data(), y_stride, mid, shape.rows);
  if (!first_ok || !UntouchedFrom(y, d.n, y_stride, shape.rows)) {
    outcome.reason = "wrote outside its row range or past y_stride";
    outcome.max_error = std::numeric_limits<double>::infinity();
    return outcome;
  }

  std::vector<double> want = d.oracle;
  if (expected == Expected::kRef) {
    std::vector<float> y_ref(y.size());
    RunProduct(ref::RefKernels(), d, matmul, y_ref.data(), y_stride, 0,
               shape.rows);
    for (int64_t t = 0; t < d.n; ++t) {
      for (int64_t r = 0; r < shape.rows; ++r) {
        want[t * shape.rows + r] = y_ref[t * y_stride + r];
      }
    }
  }
  for (int64_t t = 0; t < d.n; ++t) {
    for (int64_t r = 0; r < shape.rows; ++r) {
      const size_t i = static_cast<size_t>(t * shape.rows + r);
      const double scale = d.abs_sum[i] > 0.0 ? d.abs_sum[i] : 1.0;
      const double err =
          std::fabs(double{y[t * y_stride + r]} - want[i]) / scale;
      outcome.max_error = std::isnan(err)
                              ? std::numeric_limits<double>::infinity()
                              : std::fmax(outcome.max_error, err);
    }
  }
  return outcome;
}

// Awkward shapes: one row of one block, odd row counts, an odd number of
// blocks (seven: a kernel stepping four or two blocks at a time also takes
// its pair and single-block tails), and the long rows of real models
// (Llama 3.1 8B's FFN is 14336).
std::vector<ProductShape> ProductShapes(int64_t block_elems) {
  const int64_t odd_cols = block_elems == 1 ? 35 : 7 * block_elems;
  return {
      {1, block_elems, 0}, {7, block_elems, 0}, {13, odd_cols, 0},
      {5, 4096, 0},        {3, 14336, 0},       {1, block_elems, 1},
      {7, odd_cols, 7},    {5, 4096, 1},        {3, 4096, 7},
  };
}

constexpr Format kWeightFormats[] = {
    Format::kF32,  Format::kF16,  Format::kBf16, Format::kQ8_0,
    Format::kQ4_0, Format::kQ4_K, Format::kQ6_K};

}  // namespace

std::vector<CheckCase> ProductCases(uint64_t seed) {
  std::vector<CheckCase> cases;
  for (Format format : kWeightFormats) {
    for (const ProductShape& shape : ProductShapes(Info(format).block_elems)) {
      const bool matmul = shape.n_tokens > 0;
      const uint64_t case_seed = seed + 1000 * cases.size();
      CheckCase c;
      c.op = matmul ? "matmul" : "matvec";
      c.format = std::string(Info(format).name);
      c.shape = matmul ? fmt::format("rows={} cols={} tokens={}", shape.rows,
                                     shape.cols, shape.n_tokens)
                       : fmt::format("rows={} cols={}", shape.rows, shape.cols);
      c.compared_with_ref = "ref";
      c.covered = [format, matmul](const KernelSet& set) {
        return matmul ? set.matmul[Slot(format)] != nullptr
                      : set.matvec[Slot(format)] != nullptr;
      };
      c.run = [format, shape, case_seed](const KernelSet& set, Expected e) {
        return RunProductCase(set, e, format, shape, case_seed);
      };
      cases.push_back(std::move(c));
    }
  }
  return cases;
}

}  // namespace lapbench::kernels::check
