#include "command.hpp"

#include <iostream>

namespace hvrepl {

int ReportError(const hvr::Error& error) {
  std::cerr << "hvrepl: " << error.ToString() << "\n";
  switch (error.error_class()) {
    case hvr::ErrorClass::kRecoverable:
      return 3;
    case hvr::ErrorClass::kResyncRequired:
      return 4;
    case hvr::ErrorClass::kNone:
    case hvr::ErrorClass::kNonRecoverable:
      break;
  }
  return 1;
}

boost::program_options::variables_map ParseArguments(const std::vector<std::string>& args,
                                                     const boost::program_options::options_description& named,
                                                     const std::vector<std::string>& positional) {
  namespace po = boost::program_options;
  po::options_description all(named);
  po::positional_options_description order;
  for (const std::string& name : positional) {
    all.add_options()(name.c_str(), po::value<std::string>()->required(), "");
    order.add(name.c_str(), 1);
  }
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(order).run(), vm);
  po::notify(vm);
  return vm;
}

int UsageError(const std::string& message) {
  std::cerr << "hvrepl: " << message << "\n";
  return 2;
}

}  // namespace hvrepl
