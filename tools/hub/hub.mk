# JupyterHub for a class (tools/hub/, guide in notebooks/instructor/README.md), installed into .hub/:
#   make hub                      a hub on 127.0.0.1:8000; HUB_IP=0.0.0.0 for a classroom network,
#                                 HUB_PORT=…, COURSE_REPO=<git URL> to serve a published repository
#   make classroom STUDENTS=N     a simulated class of N students on that hub, measured (RECORD=1 stores it;
#                                 CLASSROOM_ARGS="--workdir DIR --timeout S" for the tests)
HUB_PYTHON := .hub/venv/bin/python
STUDENTS ?= 5
.PHONY: hub hub-install classroom hub-clean
hub-install:
	PYTHON=$(PYTHON) tools/hub/install.sh

hub: hub-install
	HUB_IP="$(HUB_IP)" HUB_PORT="$(HUB_PORT)" COURSE_REPO="$(COURSE_REPO)" $(HUB_PYTHON) tools/hub/hubctl.py

classroom: hub-install
	$(HUB_PYTHON) tools/hub/classroom.py "$(STUDENTS)" $(if $(RECORD),--record) $(CLASSROOM_ARGS)

hub-clean:
	rm -rf .hub
