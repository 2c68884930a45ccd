import NewsPipeCLI

NewsPipeCommand.main()
