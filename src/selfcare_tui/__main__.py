from selfcare_tui.cli.main import main

main()
