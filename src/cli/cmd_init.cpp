#include <iostream>

#include "cli/cli.h"

namespace mote::cli {

void register_init(CLI::App& app, Context& ctx) {
  auto* cmd = app.add_subcommand("init", "Create a project: mote.json, mote.db and out/");
  static std::string dir, db;
  cmd->add_option("DIR", dir, "Folder for the new project")->required();
  cmd->add_option("--db", db, "Keep the data in PostgreSQL: postgres://[user@]host[:port]/database (password in "
                              "~/.pgpass or PGPASSWORD); default DIR/mote.db");
  cmd->callback([&ctx] {
    ctx.run = [] {
      Project::init(dir, db);
      std::cout << "created project in " << dir << "\nnext: mote -C " << dir << " import PATH...\n";
    };
  });
}

}  // namespace mote::cli
