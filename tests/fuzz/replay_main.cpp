// Runs a fuzz target over files instead of generated inputs: every file below the directories (or
// the files) named on the command line goes through LLVMFuzzerTestOneInput once. This is how the
// seed corpora and every crash found by fuzzing (kept as golden data) run in the ordinary test
// suite, with any compiler and under ASan/UBSan; bench/fuzz.sh runs the real libFuzzer with clang.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void replay(const std::filesystem::path& file, size_t& count) {
  std::ifstream in(file, std::ios::binary);
  std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  ++count;
}

}  // namespace

int main(int argc, char** argv) {
  size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    std::filesystem::path root(argv[i]);
    if (std::filesystem::is_regular_file(root)) {
      replay(root, count);
      continue;
    }
    if (!std::filesystem::is_directory(root)) {
      std::cerr << "no such file or directory: " << root << "\n";
      return 2;
    }
    for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
      if (entry.is_regular_file()) replay(entry.path(), count);
    }
  }
  if (count == 0) {
    std::cerr << "no input replayed\n";
    return 2;
  }
  std::cout << "replayed " << count << " inputs\n";
  return 0;
}
