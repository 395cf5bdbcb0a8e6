// `mote user add|list|remove|passwd|grant`: the project's user accounts (teams mode, docs/serve.md). Passwords
// are read from the terminal without echo, or as the first line of stdin when it is not a terminal.
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "cli/cli.h"
#include "core/error.h"
#include "serve/users.h"

namespace mote::cli {

namespace {

std::string read_line_quietly(const std::string& prompt) {
  const bool tty = isatty(STDIN_FILENO);
  termios old{};
  if (tty) {
    std::fprintf(stderr, "%s", prompt.c_str());
    tcgetattr(STDIN_FILENO, &old);
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  bool got = static_cast<bool>(std::getline(std::cin, line));
  if (tty) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  if (!got) throw Error("no password given; type it when asked, or send it as the first line of stdin");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string read_new_password(const std::string& name) {
  std::string pw = read_line_quietly("password for " + name + ": ");
  serve::check_new_password(pw);
  if (isatty(STDIN_FILENO) && read_line_quietly("again: ") != pw) throw Error("the two passwords differ; nothing changed");
  return pw;
}

}  // namespace

void register_user(CLI::App& app, Context& ctx) {
  static std::string name, role = "viewer", db;
  static bool json = false;
  auto* cmd = app.add_subcommand("user", "User accounts of this project (teams mode: logins, roles, audit)");
  cmd->add_option("--db", db, "The project's store: postgres://... or a SQLite file (default: mote.json's)");
  cmd->require_subcommand(1);
  cmd->fallthrough();  // `mote user add NAME --db URL` as well as `mote user --db URL add NAME`
  auto open = [&ctx] {
    if (!db.empty()) Project::set_store_override(db);
    return ctx.open_project();
  };

  auto* add = cmd->add_subcommand("add", "Add a user; reads the password (8+ characters) from the terminal or stdin");
  add->add_option("NAME", name, "User name (letters, digits, . _ - @)")->required();
  add->add_option("--role", role, "owner, editor or viewer (default viewer)");
  add->callback([&ctx, open] {
    ctx.run = [open] {
      serve::Role r = serve::role_from(role, "--role");
      Project p = open();
      bool first = !serve::has_users(p.store());
      int64_t id = serve::add_user(p.store(), name, r, read_new_password(name));
      std::printf("user %lld '%s' added as %s\n", static_cast<long long>(id), name.c_str(), serve::role_name(r));
      if (first)
        std::printf("teams mode is on for this project: mote serve now asks everyone to log in (POST /api/login) or "
                    "send an API key; the studio link with ?token= is off\n");
    };
  });

  auto* list = cmd->add_subcommand("list", "List users and their roles (never passwords)");
  list->add_flag("--json", json, "Print as JSON");
  list->callback([&ctx, open] {
    ctx.run = [open] {
      Project p = open();
      auto users = serve::list_users(p.store());
      if (json) {
        nlohmann::json a = nlohmann::json::array();
        for (auto& u : users) a.push_back({{"id", u.id}, {"name", u.name}, {"role", serve::role_name(u.role)}, {"created_at", u.created_at}});
        print_json({{"users", a}});
        return;
      }
      std::printf("%4s  %-24s  %-7s  %s\n", "id", "name", "role", "created");
      for (auto& u : users)
        std::printf("%4lld  %-24s  %-7s  %s\n", static_cast<long long>(u.id), u.name.c_str(), serve::role_name(u.role), u.created_at.c_str());
    };
  });

  auto* remove = cmd->add_subcommand("remove", "Remove a user and end their sessions");
  remove->add_option("NAME", name, "User name")->required();
  remove->callback([&ctx, open] {
    ctx.run = [open] {
      Project p = open();
      serve::remove_user(p.store(), name);
      std::printf("user '%s' removed\n", name.c_str());
    };
  });

  auto* passwd = cmd->add_subcommand("passwd", "Set a user's password (read as for add); ends their sessions");
  passwd->add_option("NAME", name, "User name")->required();
  passwd->callback([&ctx, open] {
    ctx.run = [open] {
      Project p = open();
      if (!serve::find_user(p.store(), name)) throw Error("user '" + name + "': no such user; list them with `mote user list`");
      serve::set_password(p.store(), name, read_new_password(name));
      std::printf("password of '%s' changed; their sessions ended\n", name.c_str());
    };
  });

  auto* grant = cmd->add_subcommand("grant", "Give a user a role in this project: owner, editor or viewer");
  grant->add_option("NAME", name, "User name")->required();
  grant->add_option("ROLE", role, "owner, editor or viewer")->required();
  grant->callback([&ctx, open] {
    ctx.run = [open] {
      serve::Role r = serve::role_from(role, "ROLE");
      Project p = open();
      serve::grant_role(p.store(), name, r);
      std::printf("user '%s' is now %s\n", name.c_str(), serve::role_name(r));
    };
  });
}

}  // namespace mote::cli
