import NewsPipe

NewsPipeCommand.main()
