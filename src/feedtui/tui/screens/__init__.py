"""The app's screens: the main reader screen and the help screen."""
