"""Checks of ECS services (and run-task and task-set input): imported only when a run meets one."""
