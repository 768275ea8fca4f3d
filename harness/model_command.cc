// `lapbench model ...`: the model file subcommands, each in its own file.
#include "harness/commands.h"

namespace lapbench::harness {

void AddModelCommand(CLI::App& app, CommandAction& action) {
  CLI::App* model =
      app.add_subcommand("model", "inspect, make, convert and run GGUF models");
  model->require_subcommand(1);
  AddModelInfoCommand(*model, action);
  AddModelMakeCommand(*model, action);
  AddModelQuantizeCommand(*model, action);
  AddModelEvalCommand(*model, action);
  AddModelBenchCommand(*model, action);
  AddModelAccuracyCommand(*model, action);
}

}  // namespace lapbench::harness
