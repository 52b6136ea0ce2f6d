# JupyterHub configuration for `make hub` and `make classroom` (one machine, local processes).
# tools/hub/hubctl.py starts JupyterHub with this file and passes the per-run values in QIANHAI_HUB_*
# environment variables: nothing here is machine-specific.
import os
from pathlib import Path

c = get_config()  # noqa: F821 - provided by JupyterHub when it loads this file

env = os.environ
VENV = Path(env["QIANHAI_HUB_VENV"])
STATE = Path(env["QIANHAI_HUB_STATE"])  # the hub's database and cookie secret
HOMES = Path(env["QIANHAI_HUB_HOMES"])  # one home folder per student, created at their first login

c.JupyterHub.ip = env["QIANHAI_HUB_IP"]
c.JupyterHub.port = int(env["QIANHAI_HUB_PORT"])
c.JupyterHub.hub_ip = "127.0.0.1"  # the hub's own API, behind the proxy: never on the network
c.JupyterHub.hub_port = int(env["QIANHAI_HUB_API_PORT"])
c.JupyterHub.db_url = f"sqlite:///{STATE / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(STATE / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(STATE / "jupyterhub.pid")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every student's server (and their kernels)
c.JupyterHub.cleanup_proxy = True
c.JupyterHub.log_level = env.get("QIANHAI_HUB_LOG_LEVEL", "INFO")
c.JupyterHub.default_url = env["QIANHAI_HUB_DEFAULT_URL"]  # the nbgitpuller link for notebook 00

c.ConfigurableHTTPProxy.command = [env["QIANHAI_HUB_PROXY"]]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{env['QIANHAI_HUB_PROXY_API_PORT']}"
c.ConfigurableHTTPProxy.pid_file = str(STATE / "proxy.pid")

# A workshop login: any name, one shared password (printed by `make hub`), and a teacher account with the
# admin panel. Not for accounts that must outlive the class: see notebooks/instructor/README.md.
c.JupyterHub.authenticator_class = "shared-password"
c.SharedPasswordAuthenticator.user_password = env["QIANHAI_HUB_PASSWORD"]
c.SharedPasswordAuthenticator.admin_password = env["QIANHAI_HUB_ADMIN_PASSWORD"]
c.Authenticator.admin_users = {"teacher"}
c.Authenticator.allow_all = True

# Each student: a separate single-user server (jupyterhub-singleuser, JupyterLab with nbgitpuller) in
# their own home folder. SimpleLocalProcessSpawner runs them under the account that started the hub (no
# system accounts needed), so students are separated by folder, not by operating-system permissions.
c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = str(HOMES / "{username}")
c.Spawner.cmd = [str(VENV / "bin" / "jupyterhub-singleuser")]
c.Spawner.args = [
    # Idle kernels stop after 20 minutes (their memory comes back), as on a Zero to JupyterHub install.
    "--MappingKernelManager.cull_idle_timeout=1200", "--MappingKernelManager.cull_interval=60",
    "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
] + (["--allow-root"] if os.geteuid() == 0 else [])
c.Spawner.default_url = "/lab"
c.Spawner.start_timeout = 180
c.Spawner.http_timeout = 180
# QIANHAI_HUB_RUN marks every process of this hub (kernels inherit it) so that stopping finds them all.
c.Spawner.environment = {"QIANHAI_HUB_RUN": env["QIANHAI_HUB_RUN"], "PYTHONDONTWRITEBYTECODE": "1"}
c.Spawner.env_keep = ["PATH", "PYTHONPATH", "LANG", "LC_ALL", "JUPYTERHUB_SINGLEUSER_APP"]

# `make classroom` drives the hub through its REST API as a service with this token.
if env.get("QIANHAI_HUB_SERVICE_TOKEN"):
    c.JupyterHub.services = [{"name": "classroom", "api_token": env["QIANHAI_HUB_SERVICE_TOKEN"]}]
    c.JupyterHub.load_roles = [{
        "name": "classroom",
        "services": ["classroom"],
        "scopes": ["admin:users", "admin:servers", "tokens", "access:servers", "list:users", "read:users"],
    }]
