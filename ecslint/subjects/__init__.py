"""What the checks judge: task definitions, lifecycle policies and AppSpec files as read-only views with pointers."""
