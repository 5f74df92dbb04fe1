echo "greeting {{ params.who }} on {{ ds }}"
