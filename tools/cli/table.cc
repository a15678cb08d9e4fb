#include "tools/cli/table.h"

#include <cstdint>

namespace zizhu::cli {
namespace {

bool IsWide(uint32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) || (c >= 0x3041 && c <= 0x33FF) ||
         (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
         (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) ||
         (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

bool IsZeroWidth(uint32_t c) {
  return (c >= 0x0300 && c <= 0x036F) || c == 0x200B || c == 0x200C || c == 0x200D || (c >= 0xFE00 && c <= 0xFE0F);
}

}  // namespace

int DisplayWidth(const std::string& text) {
  int width = 0;
  for (size_t i = 0; i < text.size();) {
    unsigned char b = static_cast<unsigned char>(text[i]);
    uint32_t c = b;
    size_t len = 1;
    if (b >= 0xF0) {
      len = 4;
      c = b & 0x07;
    } else if (b >= 0xE0) {
      len = 3;
      c = b & 0x0F;
    } else if (b >= 0xC0) {
      len = 2;
      c = b & 0x1F;
    }
    if (i + len > text.size()) len = text.size() - i;  // truncated sequence: count what is there
    for (size_t k = 1; k < len; ++k) c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += len;
    if (c < 0x20 || IsZeroWidth(c)) continue;
    width += IsWide(c) ? 2 : 1;
  }
  return width;
}

std::string PadToWidth(const std::string& text, int width) {
  int pad = width - DisplayWidth(text);
  return pad > 0 ? text + std::string(pad, ' ') : text;
}

void TableWriter::Line(const std::vector<std::string>& cells) {
  std::string line;
  for (size_t i = 0; i < cells.size(); ++i) {
    const bool last = i + 1 == cells.size();
    line += last || i >= columns_.size() ? cells[i] : PadToWidth(cells[i], columns_[i].width) + " ";
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  out_ << line << "\n";
}

void TableWriter::Row(const std::vector<std::string>& cells) {
  if (!header_written_) {
    std::vector<std::string> headers;
    for (const Column& c : columns_) headers.push_back(c.header);
    Line(headers);
    header_written_ = true;
  }
  Line(cells);
}

}  // namespace zizhu::cli
