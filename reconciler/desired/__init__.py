"""The desired state: YAML files → validated, resolved DesiredState."""
