"""Sample inputs shipped with planport: the exercise library and the plan template."""
