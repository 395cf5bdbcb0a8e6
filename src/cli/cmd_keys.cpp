#include <cstdio>
#include <iostream>

#include "cli/cli.h"
#include "serve/keys.h"

namespace mote::cli {

void register_keys(CLI::App& app, Context& ctx) {
  static std::string name = "default", role = "editor";
  static int64_t id = 0;
  static bool json = false;
  auto* cmd = app.add_subcommand("keys", "API keys for the ingestion service and the HTTP API; the HMAC key");
  cmd->require_subcommand(1);

  auto* create = cmd->add_subcommand("create", "Make a new API key (shown once; stored hashed)");
  create->add_option("--name", name, "What the key is for (a device, a script)");
  create->add_option("--role", role, "editor (default: reads and writes), viewer (reads) or device (uploads samples only)");
  create->callback([&ctx] {
    ctx.run = [&ctx] {
      serve::Role r = serve::role_from(role, "--role");
      Project p = ctx.open_project();
      auto k = serve::create_api_key(p.store(), name, r);
      std::printf("API key %lld '%s', role %s (shown only now; send it as x-api-key): %s\n", static_cast<long long>(k.id),
                  name.c_str(), serve::role_name(r), k.key.c_str());
    };
  });

  auto* list = cmd->add_subcommand("list", "List API keys (never the keys themselves)");
  list->add_flag("--json", json, "Print as JSON");
  list->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      auto keys = serve::list_api_keys(p.store());
      if (json) {
        nlohmann::json a = nlohmann::json::array();
        for (auto& k : keys)
          a.push_back({{"id", k.id}, {"name", k.name}, {"role", serve::role_name(k.role)}, {"created_at", k.created_at},
                       {"revoked_at", k.revoked_at ? nlohmann::json(*k.revoked_at) : nlohmann::json(nullptr)}});
        print_json({{"keys", a}});
        return;
      }
      std::printf("%4s  %-24s  %-6s  %-20s  %s\n", "id", "name", "role", "created", "state");
      for (auto& k : keys)
        std::printf("%4lld  %-24s  %-6s  %-20s  %s\n", static_cast<long long>(k.id), k.name.c_str(), serve::role_name(k.role), k.created_at.c_str(),
                    k.revoked_at ? ("revoked " + *k.revoked_at).c_str() : "active");
    };
  });

  auto* revoke = cmd->add_subcommand("revoke", "Revoke an API key by id");
  revoke->add_option("ID", id, "Key id (see mote keys list)")->required();
  revoke->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      serve::revoke_api_key(p.store(), id);
      std::printf("revoked API key %lld\n", static_cast<long long>(id));
    };
  });

  auto* hmac = cmd->add_subcommand("hmac", "Print the project's HMAC key (signs acquisition data; made at first use)");
  hmac->callback([&ctx] {
    ctx.run = [&ctx] {
      Project p = ctx.open_project();
      std::printf("%s\n", p.hmac_key().c_str());
    };
  });
}

}  // namespace mote::cli
