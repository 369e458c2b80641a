"""Pure: compares desired, live and ownership state and builds the plan. No I/O."""
