"""syncd's built-in presets (YAML fragments), importable as `syncd_profiles`."""
