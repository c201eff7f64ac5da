package dev.prodstack.monitoring;

import dev.prodstack.testsupport.HostProgram;

/** The host programs these tests run, each with the Debian package CI installs it from. */
final class MonitoringTools {

    static final HostProgram PROMTOOL = HostProgram.of("promtool", "prometheus");
    static final HostProgram PROMETHEUS = HostProgram.of("prometheus", "prometheus");
    static final HostProgram AMTOOL = HostProgram.of("amtool", "prometheus-alertmanager");
    static final HostProgram BLACKBOX_EXPORTER =
            HostProgram.of("prometheus-blackbox-exporter", "prometheus-blackbox-exporter");
    static final HostProgram SHELLCHECK = HostProgram.of("shellcheck", "shellcheck");
    static final HostProgram BASH = HostProgram.of("bash", "bash");

    private MonitoringTools() {}
}
