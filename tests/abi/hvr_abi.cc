// hvr_abi: the record of the C ABI and the check that it does not change silently
// (docs/c-api.md, "Stability is checked").
//
//   hvr_abi layout-source AST.json OUT.c
//       A C program that prints the size, alignment and field offsets of every public
//       struct, and the size and constants of every enum, as the compiler that builds it
//       sees them (the P/Invoke test compares its declarations with that output).
//   hvr_abi record AST.json LAYOUT.txt ABI_VERSION OUT.abi
//       The ABI record: every function prototype (and which functions are deprecated
//       aliases), callback type, enum value, opaque handle and struct layout of hvr.h,
//       one item a line, sorted.
//   hvr_abi check RECORD.abi CURRENT.abi ABI_VERSION
//       Fails unless CURRENT equals the checked-in RECORD, saying whether the difference
//       is an incompatible change (which needs an HVR_ABI_VERSION bump), a new ABI
//       version (record it), or an addition (record it).
//   hvr_abi update RECORD.abi CURRENT.abi ABI_VERSION
//       Writes CURRENT over RECORD, unless that hides an incompatible change made without
//       a bump.
//
// AST.json is clang's JSON dump of hvr.h (-Xclang -ast-dump=json): declarations are read
// from the compiler, never parsed by hand. Only names starting with hvr_ are public.
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "util/file.hpp"

namespace {

namespace json = boost::json;

// The public declarations of hvr.h, as the AST shows them.
struct Field {
  std::string name;
  std::string type;
};
struct Header {
  std::map<std::string, std::string> functions;  // name -> prototype type
  std::set<std::string> deprecated;              // aliases kept until the next ABI version
  std::map<std::string, std::string> callbacks;  // typedef name -> function pointer type
  std::map<std::string, std::vector<std::pair<std::string, long long>>> enums;
  std::map<std::string, std::vector<Field>> structs;  // typedef'd complete structs
  std::set<std::string> opaques;                      // declared, never defined
};

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "hvr_abi: " << message << "\n";
  std::exit(2);
}

std::string ReadFile(const std::string& path) {
  auto text = hvr::ReadWholeFile(path);
  if (!text.ok()) Die(text.error().ToString());
  return std::move(text).value();
}

void WriteFile(const std::string& path, const std::string& text) {
  if (auto written = hvr::WriteFileAtomically(path, text); !written.ok()) Die(written.error().ToString());
}

std::string StringOf(const json::object& node, const char* key) {
  const json::value* v = node.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::string TypeOf(const json::object& node) {
  const json::value* type = node.if_contains("type");
  if (!type || !type->is_object()) return {};
  return StringOf(type->as_object(), "qualType");
}

const json::array* InnerOf(const json::object& node) {
  const json::value* inner = node.if_contains("inner");
  return inner && inner->is_array() ? &inner->as_array() : nullptr;
}

// Whether clang attached an attribute of `kind` (e.g. "DeprecatedAttr", what
// HVR_DEPRECATED_FOR expands to) to the declaration.
bool HasAttribute(const json::object& decl, const char* kind) {
  if (const json::array* inner = InnerOf(decl)) {
    for (const json::value& child : *inner) {
      if (StringOf(child.as_object(), "kind") == kind) return true;
    }
  }
  return false;
}

bool IsPublic(const std::string& name) { return name.rfind("hvr_", 0) == 0; }

// An enum constant's value: the folded ConstantExpr clang attaches, or one more than the
// previous constant when it has no initializer.
long long EnumValue(const json::object& constant, long long next) {
  if (const json::array* inner = InnerOf(constant)) {
    for (const json::value& child : *inner) {
      const json::object& c = child.as_object();
      if (StringOf(c, "kind") == "ConstantExpr") return std::stoll(StringOf(c, "value"));
    }
  }
  return next;
}

Header ReadHeader(const std::string& ast_path) {
  const json::value ast = json::parse(ReadFile(ast_path));
  Header header;
  std::set<std::string> declared_records;
  const json::array* top = InnerOf(ast.as_object());
  if (!top) Die(ast_path + ": no declarations");
  for (const json::value& item : *top) {
    const json::object& decl = item.as_object();
    const std::string name = StringOf(decl, "name");
    if (!IsPublic(name)) continue;
    const std::string kind = StringOf(decl, "kind");
    if (kind == "FunctionDecl") {
      header.functions[name] = TypeOf(decl);
      if (HasAttribute(decl, "DeprecatedAttr")) header.deprecated.insert(name);
    } else if (kind == "TypedefDecl") {
      const std::string type = TypeOf(decl);
      if (type.find("(*)") != std::string::npos) {
        header.callbacks[name] = type;
      } else if (type != "struct " + name && type != "enum " + name) {
        Die("typedef " + name + " = " + type + ": only struct, enum and callback typedefs are expected");
      }
    } else if (kind == "EnumDecl") {
      auto& values = header.enums[name];
      long long next = 0;
      if (const json::array* inner = InnerOf(decl)) {
        for (const json::value& child : *inner) {
          const json::object& c = child.as_object();
          if (StringOf(c, "kind") != "EnumConstantDecl") continue;
          const long long value = EnumValue(c, next);
          values.emplace_back(StringOf(c, "name"), value);
          next = value + 1;
        }
      }
    } else if (kind == "RecordDecl") {
      declared_records.insert(name);
      const json::value* complete = decl.if_contains("completeDefinition");
      if (!complete || !complete->is_bool() || !complete->as_bool()) continue;
      auto& fields = header.structs[name];
      if (const json::array* inner = InnerOf(decl)) {
        for (const json::value& child : *inner) {
          const json::object& c = child.as_object();
          if (StringOf(c, "kind") == "FieldDecl") fields.push_back({StringOf(c, "name"), TypeOf(c)});
        }
      }
    } else {
      Die("declaration " + name + " of kind " + kind + " is not something the ABI record knows");
    }
  }
  for (const std::string& record : declared_records) {
    if (!header.structs.count(record)) header.opaques.insert(record);
  }
  return header;
}

int LayoutSource(const std::string& ast_path, const std::string& out_path) {
  const Header header = ReadHeader(ast_path);
  std::ostringstream c;
  c << "/* Generated by hvr_abi layout-source from hvr.h: prints the layout of every public\n"
       " * struct and the size of every enum, as this compiler lays them out. */\n"
       "#include <stddef.h>\n#include <stdio.h>\n\n#include \"hvr.h\"\n\n";
  // C99 has no _Alignof; a struct with a char before the type shows its alignment.
  for (const auto& [name, fields] : header.structs) c << "struct align_" << name << " { char c; " << name << " x; };\n";
  c << "\nint main(void) {\n";
  for (const auto& [name, fields] : header.structs) {
    c << "  printf(\"struct " << name << " %zu %zu\\n\", sizeof(" << name << "), offsetof(struct align_" << name
      << ", x));\n";
    for (const Field& f : fields) {
      c << "  printf(\"field " << name << " " << f.name << " %zu %zu\\n\", offsetof(" << name << ", " << f.name
        << "), sizeof(((" << name << " *)0)->" << f.name << "));\n";
    }
  }
  for (const auto& [name, values] : header.enums) {
    c << "  printf(\"enum " << name << " %zu\\n\", sizeof(" << name << "));\n";
    for (const auto& [constant, value] : values) {
      c << "  printf(\"value " << name << " " << constant << " %lld\\n\", (long long)" << constant << ");\n";
    }
  }
  c << "  return 0;\n}\n";
  WriteFile(out_path, c.str());
  return 0;
}

// What the layout program printed: "struct NAME SIZE ALIGN", "field NAME FIELD OFFSET
// SIZE", "enum NAME SIZE", "value ENUM CONSTANT VALUE" (the record takes enum values from
// the AST, so those lines are only checked to be well formed).
struct Layouts {
  std::map<std::string, std::pair<size_t, size_t>> structs;
  std::map<std::pair<std::string, std::string>, std::pair<size_t, size_t>> fields;
  std::map<std::string, size_t> enums;
};

Layouts ReadLayouts(const std::string& path) {
  Layouts layouts;
  std::istringstream in(ReadFile(path));
  std::string kind;
  while (in >> kind) {
    std::string name, field;
    size_t a = 0, b = 0;
    long long value = 0;
    if (kind == "struct" && in >> name >> a >> b) {
      layouts.structs[name] = {a, b};
    } else if (kind == "field" && in >> name >> field >> a >> b) {
      layouts.fields[{name, field}] = {a, b};
    } else if (kind == "enum" && in >> name >> a) {
      layouts.enums[name] = a;
    } else if (kind == "value" && in >> name >> field >> value) {
      continue;  // for the P/Invoke test
    } else {
      Die(path + ": unexpected line starting '" + kind + "'");
    }
  }
  return layouts;
}

template <typename Map, typename Key>
const auto& Find(const Map& map, const Key& key, const std::string& what) {
  auto it = map.find(key);
  if (it == map.end()) Die("the layout program printed nothing for " + what);
  return it->second;
}

int Record(const std::string& ast_path, const std::string& layout_path, const std::string& abi_version,
           const std::string& out_path) {
  const Header header = ReadHeader(ast_path);
  const Layouts layouts = ReadLayouts(layout_path);
  // Lines sort by kind and name, so branches that add different items merge cleanly;
  // a struct's fields keep their order.
  std::ostringstream r;
  r << "# The C ABI of libhvr: every prototype, callback, enum value, handle and struct layout\n"
       "# of capi/include/hvr.h as the compiler sees it (x86_64 Linux). Generated by\n"
       "# tests/abi/hvr_abi.cc; never edit it by hand (docs/c-api.md, \"Stability is checked\").\n"
       "# After adding to the ABI: cmake --build --preset default --target hvr_abi_update\n";
  r << "abi_version " << abi_version << "\n";
  for (const auto& [name, type] : header.callbacks) r << "callback " << name << " = " << type << "\n";
  for (const auto& [name, values] : header.enums) {
    r << "enum " << name << " size " << Find(layouts.enums, name, "enum " + name) << "\n";
    for (const auto& [constant, value] : values) r << "enum " << name << " value " << constant << " = " << value << "\n";
  }
  for (const auto& [name, type] : header.functions) r << "function " << name << " = " << type << "\n";
  for (const std::string& name : header.deprecated) r << "deprecated " << name << "\n";
  for (const std::string& name : header.opaques) r << "opaque " << name << "\n";
  for (const auto& [name, fields] : header.structs) {
    const auto& [size, align] = Find(layouts.structs, name, "struct " + name);
    r << "struct " << name << " size " << size << " align " << align << "\n";
    for (const Field& f : fields) {
      const auto& [offset, field_size] = Find(layouts.fields, std::pair(name, f.name), name + "." + f.name);
      r << "struct " << name << " field " << f.name << " offset " << offset << " size " << field_size << " type "
        << f.type << "\n";
    }
  }
  WriteFile(out_path, r.str());
  return 0;
}

// A record read back: each item keyed by its kind and name, with its lines.
struct RecordItems {
  std::string abi_version;
  std::map<std::string, std::vector<std::string>> items;  // "kind name" -> lines after it
};

RecordItems ReadRecord(const std::string& path) {
  RecordItems record;
  std::istringstream in(ReadFile(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream words(line);
    std::string kind, name;
    words >> kind >> name;
    if (kind == "abi_version") {
      record.abi_version = name;
      continue;
    }
    std::string rest;
    std::getline(words, rest);
    record.items[kind + " " + name].push_back(rest);
  }
  return record;
}

bool StartsWith(const std::string& text, const std::string& prefix) { return text.rfind(prefix, 0) == 0; }

// Why `now` cannot replace `before` without an ABI version bump; empty when it can (the
// same, or an addition only: enum values added, or fields appended to a struct that
// starts with struct_size, whose callers say how much of it they have).
std::string Incompatibility(const std::string& key, const std::vector<std::string>& before,
                            const std::vector<std::string>& now) {
  if (before == now) return {};
  if (StartsWith(key, "enum ")) {
    // Every old line (the size, each value) must still be there.
    for (const std::string& line : before) {
      if (std::find(now.begin(), now.end(), line) == now.end()) return "lost or changed:" + line;
    }
    return {};
  }
  if (StartsWith(key, "struct ")) {
    const bool growing = before.size() > 1 && StartsWith(before[1], " field struct_size offset 0 ");
    if (!growing) return "changed (it has no struct_size, so it can never grow)";
    if (now.size() < before.size()) return "lost fields";
    for (size_t i = 1; i < before.size(); ++i) {
      if (before[i] != now[i]) return "field changed:" + before[i] + " is now" + now[i];
    }
    // The size may grow, never shrink; the alignment may not change.
    std::istringstream old_words(before[0]), new_words(now[0]);
    std::string s1, s2, a1, a2;
    size_t old_size = 0, new_size = 0, old_align = 0, new_align = 0;
    old_words >> s1 >> old_size >> a1 >> old_align;
    new_words >> s2 >> new_size >> a2 >> new_align;
    if (new_size < old_size || new_align != old_align) return "size or alignment changed:" + before[0] + " is now" + now[0];
    return {};
  }
  return "changed:" + (before.empty() ? std::string() : before[0]) + " is now" + (now.empty() ? std::string() : now[0]);
}

struct Comparison {
  std::vector<std::string> incompatible;
  std::vector<std::string> added;
};

Comparison Compare(const RecordItems& before, const RecordItems& now) {
  Comparison result;
  for (const auto& [key, lines] : before.items) {
    auto it = now.items.find(key);
    if (it == now.items.end()) {
      result.incompatible.push_back(key + ": removed");
    } else if (std::string why = Incompatibility(key, lines, it->second); !why.empty()) {
      result.incompatible.push_back(key + ": " + why);
    } else if (lines != it->second) {
      result.added.push_back(key + ": grew");
    }
  }
  for (const auto& [key, lines] : now.items) {
    if (!before.items.count(key)) result.added.push_back(key + ": new");
  }
  return result;
}

void PrintList(const std::vector<std::string>& lines) {
  for (const std::string& line : lines) std::cout << "  " << line << "\n";
}

constexpr const char* kUpdateCommand = "cmake --build --preset default --target hvr_abi_update";

int Check(const std::string& record_path, const std::string& current_path, const std::string& abi_version) {
  const RecordItems record = ReadRecord(record_path);
  const RecordItems current = ReadRecord(current_path);
  if (record.abi_version == abi_version && record.items == current.items) {
    std::cout << "the C ABI matches " << record_path << " (" << current.items.size() << " items, ABI version "
              << abi_version << ")\n";
    return 0;
  }
  const Comparison diff = Compare(record, current);
  if (record.abi_version != abi_version) {
    std::cout << "HVR_ABI_VERSION is " << abi_version << " but " << record_path << " records version "
              << record.abi_version << ": record the new ABI with\n  " << kUpdateCommand << "\n";
    return 1;
  }
  if (!diff.incompatible.empty()) {
    std::cout << "incompatible changes to the C ABI without an HVR_ABI_VERSION bump (CMakeLists.txt):\n";
    PrintList(diff.incompatible);
    std::cout << "Keep the old declarations and add new ones, or bump HVR_ABI_VERSION and record the ABI.\n";
    return 1;
  }
  std::cout << "the C ABI grew; record the additions with\n  " << kUpdateCommand << "\n";
  PrintList(diff.added);
  return 1;
}

int Update(const std::string& record_path, const std::string& current_path, const std::string& abi_version) {
  const RecordItems record = ReadRecord(record_path);
  const RecordItems current = ReadRecord(current_path);
  const Comparison diff = Compare(record, current);
  if (record.abi_version == abi_version && !diff.incompatible.empty()) {
    std::cout << "refusing to record incompatible changes without an HVR_ABI_VERSION bump:\n";
    PrintList(diff.incompatible);
    return 1;
  }
  WriteFile(record_path, ReadFile(current_path));
  std::cout << "recorded the C ABI (version " << abi_version << ") in " << record_path << "\n";
  PrintList(diff.added);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::vector<std::string> args(argv + 1, argv + argc);
  if (args.size() == 3 && args[0] == "layout-source") return LayoutSource(args[1], args[2]);
  if (args.size() == 5 && args[0] == "record") return Record(args[1], args[2], args[3], args[4]);
  if (args.size() == 4 && args[0] == "check") return Check(args[1], args[2], args[3]);
  if (args.size() == 4 && args[0] == "update") return Update(args[1], args[2], args[3]);
  std::cerr << "usage: hvr_abi layout-source AST.json OUT.c\n"
               "       hvr_abi record AST.json LAYOUT.txt ABI_VERSION OUT.abi\n"
               "       hvr_abi check|update RECORD.abi CURRENT.abi ABI_VERSION\n";
  return 2;
}
