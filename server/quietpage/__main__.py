from quietpage.cli import main

raise SystemExit(main())
