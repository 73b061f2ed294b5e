"""Reports: situation report, dashboards and exports."""
