#include "libs/files/import/row_reader.h"

#include <openssl/evp.h>

#include <cstdio>
#include <deque>

#include "absl/strings/str_cat.h"
#include "libs/files/import/xls_reader.h"
#include "libs/files/import/xlsx_reader.h"
#include "services/common/core/refusal.h"

namespace zizhu::tools {
namespace {

constexpr size_t kPieceBytes = 1 << 20;

using FilePtr = std::unique_ptr<FILE, int (*)(FILE*)>;

absl::StatusOr<FilePtr> OpenFile(const std::string& path) {
  FilePtr file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file) return absl::NotFoundError(absl::StrCat("cannot read '", path, "'"));
  return file;
}

// CSV: file pieces → decoder → incremental parser.
class CsvRowReader : public RowReader {
 public:
  CsvRowReader(FilePtr file, TextEncoding encoding) : file_(std::move(file)), decoder_(encoding) {}

  absl::StatusOr<bool> Next(CsvRow* row) override {
    while (ready_.empty() && !ended_) {
      piece_.resize(kPieceBytes);
      size_t n = std::fread(piece_.data(), 1, piece_.size(), file_.get());
      if (n == 0 && std::ferror(file_.get())) return absl::DataLossError("reading the file failed");
      text_.clear();
      if (n > 0) {
        if (auto decoded = decoder_.Decode(absl::string_view(piece_.data(), n), &text_); !decoded.ok()) return decoded;
        parser_.Feed(text_, &ready_);
        continue;
      }
      ended_ = true;
      if (auto done = decoder_.Finish(&text_); !done.ok()) return done;
      parser_.Feed(text_, &ready_);
      if (auto done = parser_.Finish(&ready_); !done.ok()) return done;
    }
    if (ready_.empty()) return false;
    *row = std::move(ready_.front());
    ready_.pop_front();
    return true;
  }

 private:
  FilePtr file_;
  TextDecoder decoder_;
  CsvParser parser_;
  std::deque<CsvRow> ready_;
  std::string piece_;
  std::string text_;
  bool ended_ = false;
};

// One pass over the bytes: SHA-256, ZIP signature, UTF-8 validity.
struct ByteFacts {
  std::string sha256;
  bool zip = false;
  bool ole2 = false;  // an .xls workbook
  bool utf8 = false;
  bool bom = false;
};

absl::StatusOr<ByteFacts> ScanBytes(const std::string& path) {
  auto file = OpenFile(path);
  if (!file.ok()) return file.status();
  std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> sha(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(sha.get(), EVP_sha256(), nullptr);
  ByteFacts facts;
  Utf8Validator utf8;
  std::string piece(kPieceBytes, '\0');
  bool first = true;
  for (;;) {
    size_t n = std::fread(piece.data(), 1, piece.size(), file->get());
    if (n == 0) {
      if (std::ferror(file->get())) return absl::DataLossError(absl::StrCat("reading '", path, "' failed"));
      break;
    }
    absl::string_view bytes(piece.data(), n);
    if (first) {
      facts.zip = LooksLikeXlsx(bytes);
      facts.ole2 = LooksLikeXls(bytes);
      facts.bom = bytes.substr(0, 3) == "\xEF\xBB\xBF";
      first = false;
    }
    EVP_DigestUpdate(sha.get(), bytes.data(), bytes.size());
    if (!facts.zip && !facts.ole2) utf8.Feed(bytes);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(sha.get(), digest, &length);
  for (unsigned int i = 0; i < length; ++i) absl::StrAppend(&facts.sha256, absl::Hex(digest[i], absl::kZeroPad2));
  facts.utf8 = utf8.Finish();
  return facts;
}

}  // namespace

absl::StatusOr<std::unique_ptr<RowReader>> OpenRows(const TableFile& file) {
  if (file.xlsx) return OpenXlsxRows(file.path);
  if (file.xls) return OpenXlsRows(file.path);
  auto handle = OpenFile(file.path);
  if (!handle.ok()) return handle.status();
  return std::make_unique<CsvRowReader>(std::move(*handle), file.encoding);
}

absl::StatusOr<TableFile> InspectTableFile(const std::string& path, const std::string& encoding_name) {
  auto in_file = [&](const absl::Status& status) {
    return Prefixed(status, absl::StrCat("'", path, "': "), {{"file", path}});
  };
  auto requested = ParseEncodingName(encoding_name);
  if (!requested.ok()) return requested.status();
  auto facts = ScanBytes(path);
  if (!facts.ok()) return facts.status();
  TableFile file;
  file.path = path;
  file.sha256 = facts->sha256;
  file.xlsx = facts->zip;
  file.xls = facts->ole2;
  if (file.xlsx) {
    file.format = "xlsx";
  } else if (file.xls) {
    file.format = "xls";
  } else {
    file.encoding = *requested;
    if (file.encoding == TextEncoding::kAuto) {
      file.encoding = (facts->bom || facts->utf8) ? TextEncoding::kUtf8 : TextEncoding::kGb18030;
    }
    file.format = file.encoding == TextEncoding::kUtf8 ? "csv utf-8" : "csv gb18030";
  }
  // The parsing pass: header, row count, and any error of the file's text.
  auto rows = OpenRows(file);
  if (!rows.ok()) return in_file(rows.status());
  CsvRow row;
  for (bool header = true;; header = false) {
    auto more = (*rows)->Next(&row);
    if (!more.ok()) return in_file(more.status());
    if (!*more) break;
    if (header) {
      file.header = std::move(row.fields);
    } else {
      ++file.data_rows;
    }
  }
  if (file.header.empty()) {
    return Refusal(absl::StatusCode::kInvalidArgument, "FILE_NO_HEADER", {{"file", path}},
                   absl::StrCat("'", path, "' has no header row"));
  }
  return file;
}

}  // namespace zizhu::tools
